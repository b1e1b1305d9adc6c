"""Data structures and geometry shared by the pose pipeline, model and metrics."""
from .bbox_transforms import (bbox_cs2xyxy, bbox_xywh2xyxy, bbox_xyxy2cs, fix_aspect_ratio,
                              flip_bbox, get_warp_matrix, keypoints_to_image, transform_points)
from .keypoint_flip import flip_keypoints
from .person_mask import (image_to_heatmap_matrix, mask_to_rle, paste_mask, segmentation_to_mask,
                          warp_to_heatmap)
from .pose_data_sample import PoseDataSample

__all__ = [
    'PoseDataSample', 'bbox_cs2xyxy', 'bbox_xywh2xyxy', 'bbox_xyxy2cs', 'fix_aspect_ratio',
    'flip_bbox', 'flip_keypoints', 'get_warp_matrix', 'image_to_heatmap_matrix', 'keypoints_to_image',
    'mask_to_rle', 'paste_mask', 'segmentation_to_mask', 'transform_points', 'warp_to_heatmap'
]
