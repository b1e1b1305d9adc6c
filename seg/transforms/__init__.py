"""Pipeline steps (registered in mmseg's ``TRANSFORMS``)."""
from .check_seg_label import CheckSegLabel

__all__ = ['CheckSegLabel']
