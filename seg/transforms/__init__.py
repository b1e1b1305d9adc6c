"""Pipeline steps (registered in mmseg's ``TRANSFORMS``)."""
from .check_seg_label import CheckSegLabel
from .loading import LoadSegAnnotations

__all__ = ['CheckSegLabel', 'LoadSegAnnotations']
