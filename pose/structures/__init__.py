"""Data structures and geometry shared by the pose pipeline, model and metrics."""
from .bbox_transforms import (bbox_cs2xyxy, bbox_xywh2xyxy, bbox_xyxy2cs, fix_aspect_ratio,
                              flip_bbox, get_warp_matrix, keypoints_to_image, transform_points)
from .keypoint_flip import flip_keypoints
from .pose_data_sample import PoseDataSample

__all__ = [
    'PoseDataSample', 'bbox_cs2xyxy', 'bbox_xywh2xyxy', 'bbox_xyxy2cs', 'fix_aspect_ratio',
    'flip_bbox', 'flip_keypoints', 'get_warp_matrix', 'keypoints_to_image', 'transform_points'
]
