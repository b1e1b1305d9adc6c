"""Functions behind the metrics: OKS, OKS-NMS, PCK, PCKh, rescoring, COCO GT, mask AP and IoU."""
from .coco_gt import gt_to_coco_dict
from .keypoint_eval import keypoint_pck_accuracy
from .mask_eval import (annotations_without_segmentation, instance_masks_to_rles, mask_iou,
                        pycocotools_view, segm_eval_stats)
from .nms import oks_nms, soft_oks_nms
from .oks import COCO_SIGMAS, oks_iou
from .pckh import (MPII_PARTS, MPII_PUBLISHED_PCKH01_THR, MPII_SC_BIAS, joint_ratio,
                   mpii_head_sizes, mpii_joint_pckh, mpii_part_scores, weighted_mean_pckh)
from .rescore import instance_score

__all__ = [
    'COCO_SIGMAS', 'MPII_PARTS', 'MPII_PUBLISHED_PCKH01_THR', 'MPII_SC_BIAS',
    'annotations_without_segmentation', 'gt_to_coco_dict', 'instance_masks_to_rles',
    'instance_score', 'joint_ratio', 'keypoint_pck_accuracy', 'mask_iou', 'mpii_head_sizes',
    'mpii_joint_pckh', 'mpii_part_scores', 'oks_iou', 'oks_nms', 'pycocotools_view',
    'segm_eval_stats', 'soft_oks_nms', 'weighted_mean_pckh'
]
