"""Pose evaluation: COCO keypoint AP/AR, MPII PCKh and PCK metrics, with their functions.

Importing this package registers the metrics in ``pose.registry.METRICS`` (the registry's
``locations`` import it when a config builds a metric).
"""
from .functional import keypoint_pck_accuracy, oks_iou, oks_nms, soft_oks_nms
from .metrics import CocoMetric, MpiiPCKAccuracy, PCKAccuracy

__all__ = [
    'CocoMetric', 'MpiiPCKAccuracy', 'PCKAccuracy', 'keypoint_pck_accuracy', 'oks_iou',
    'oks_nms', 'soft_oks_nms'
]
