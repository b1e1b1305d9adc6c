"""Lite-HRNet backbone, registered as ``LiteHRNet`` in mmengine's root ``MODELS`` registry.

Any OpenMMLab 2.x project (mmseg, mmpose, mmdet) finds it through its registry's parent after
``custom_imports=dict(imports=['litehrnet'])``. The published variants' ``extra`` specs are in
``configs/_base_/backbones/litehrnet.py``.
"""
from .backbone import LiteHRNet

__all__ = ['LiteHRNet']
__version__ = '0.1.0'
