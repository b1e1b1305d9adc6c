"""Metrics (registered in mmseg's ``METRICS``)."""
from .cityscapes_official_metric import CityscapesOfficialMetric
from .cityscapesscripts_compat import patch_cityscapesscripts

patch_cityscapesscripts()

__all__ = ['CityscapesOfficialMetric', 'patch_cityscapesscripts']
