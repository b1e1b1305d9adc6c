"""Evaluation metrics, registered in ``pose.registry.METRICS``."""
from .coco_metric import CocoMetric
from .mpii_pckh import MpiiPCKAccuracy
from .pck_accuracy import PCKAccuracy

__all__ = ['CocoMetric', 'MpiiPCKAccuracy', 'PCKAccuracy']
