"""Lite-HRNet backbone, registered as ``LiteHRNet`` in mmengine's root ``MODELS`` registry.

Any OpenMMLab 2.x project (mmseg, mmpose, mmdet) finds it through its registry's parent after
``custom_imports=dict(imports=['litehrnet'])``.
"""
from .backbone import LiteHRNet
from .variants import VARIANT_NAMES, variant_extra

__all__ = ['LiteHRNet', 'VARIANT_NAMES', 'variant_extra']
__version__ = '0.1.0'
