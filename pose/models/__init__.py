"""Pose models: estimator, heads, losses."""
from .estimators import TopdownPoseEstimator
from .heads import HeatmapHead, MaskHead
from .losses import KeypointMSELoss, MaskBCEDiceLoss
from .utils import flip_heatmaps

__all__ = [
    'TopdownPoseEstimator', 'HeatmapHead', 'KeypointMSELoss', 'MaskBCEDiceLoss', 'MaskHead',
    'flip_heatmaps'
]
