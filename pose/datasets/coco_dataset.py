"""COCO person keypoints (17 keypoints)."""
from pose.registry import DATASETS
from .coco_style_dataset import CocoStyleDataset
from .metainfo_parser import metainfo_path


@DATASETS.register_module()
class CocoDataset(CocoStyleDataset):
    """COCO 2017 person keypoints, top-down; see :class:`CocoStyleDataset` for the arguments.

    Typical configs: training ``ann_file='annotations/person_keypoints_train2017.json'`` with
    ``filter_cfg=dict(filter_empty_gt=True, min_keypoints=1)``; testing on detections with
    ``bbox_file=...AP_H_56_person.json``, ``test_mode=True`` and
    ``filter_cfg=dict(bbox_score_thr=...)``.
    """

    METAINFO: dict = dict(from_file=metainfo_path('coco'))
