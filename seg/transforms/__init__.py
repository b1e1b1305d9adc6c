"""Pipeline steps (registered in mmseg's ``TRANSFORMS``)."""
from .check_seg_label import CheckSegLabel
from .loading import LoadImage, LoadSegAnnotations

__all__ = ['CheckSegLabel', 'LoadImage', 'LoadSegAnnotations']
