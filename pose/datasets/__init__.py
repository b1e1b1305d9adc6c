"""Top-down pose datasets (registered in ``pose.registry.DATASETS``)."""
from .coco_dataset import CocoDataset
from .coco_style_dataset import CocoStyleDataset
from .mat_file import load_mat_arrays
from .metainfo_parser import metainfo_path, parse_pose_metainfo
from .mpii_dataset import MpiiDataset

__all__ = [
    'CocoDataset', 'CocoStyleDataset', 'MpiiDataset', 'load_mat_arrays', 'metainfo_path',
    'parse_pose_metainfo'
]
