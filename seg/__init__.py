"""Semantic segmentation with Lite-HRNet on mmsegmentation 1.x: only what mmseg lacks.

Importing it (``custom_imports=dict(imports=['litehrnet', 'seg'])``) registers ``LiteHRNet`` in
mmengine's root ``MODELS`` and, in mmseg's registries, the ``RuntimeEncoderDecoder`` segmentor,
the ``CheckedDataset`` wrapper, the ``LoadImage``, ``LoadSegAnnotations`` and ``CheckSegLabel``
transforms and the ``CityscapesOfficialMetric``.
"""
import litehrnet  # noqa: F401  registers LiteHRNet in mmengine's root MODELS

from .datasets import CheckedDataset
from .evaluation import CityscapesOfficialMetric
from .models import RuntimeEncoderDecoder
from .transforms import CheckSegLabel, LoadImage, LoadSegAnnotations

__all__ = ['CheckedDataset', 'CheckSegLabel', 'CityscapesOfficialMetric', 'LoadImage',
           'LoadSegAnnotations', 'RuntimeEncoderDecoder']
