"""Pose models: estimator, heads, losses."""
from .estimators import TopdownPoseEstimator
from .heads import HeatmapHead
from .losses import KeypointMSELoss
from .utils import flip_heatmaps

__all__ = ['TopdownPoseEstimator', 'HeatmapHead', 'KeypointMSELoss', 'flip_heatmaps']
