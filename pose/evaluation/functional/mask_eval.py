"""Instance masks for COCO evaluation: checked RLEs, mask IoU and the COCO API that scores them.

A mask model's predictions are kept as COCO compressed RLEs (``counts`` a str), never as full
image masks: COCO val2017 top-down testing has about 100k detected boxes, whose image-sized
masks would not fit in memory, while an RLE of a person is a few hundred bytes.

Masks are scored by pycocotools (the reference COCO API, github.com/cocodataset/cocoapi),
not by xtcocotools: xtcocotools 1.14.3's ``mask.area``, ``mask.toBbox`` and ``mask.iou``
all fail under numpy 2 (they use ``np.NPY_OWNDATA``, which numpy 2 removed), and its
``COCOeval`` with ``iouType='segm'`` calls them. The RLE format of both is the same.
"""
from typing import List, Sequence, Tuple

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO as PyCOCO
from pycocotools.cocoeval import COCOeval

from pose.structures import mask_to_rle


def instance_masks_to_rles(masks, num_instances: int, image_shape: Sequence[int],
                           where: str) -> List[dict]:
    """RLEs (``size`` [H, W], ``counts`` str) of a sample's (N, H, W) predicted masks.

    Args:
        masks: (N, H, W) bool (or 0/1 integer) numpy array or tensor, in image pixels.
        num_instances: N, the number of the sample's keypoint instances.
        image_shape: (H, W) of the image (the sample's ``ori_shape``).
        where: names the sample in the errors (e.g. ``"sample id 42"``).

    Raises:
        ValueError: on another shape than (num_instances, H, W) or float masks (the model
            pastes and thresholds its probabilities; a metric cannot guess the threshold).
    """
    if hasattr(masks, 'detach'):
        masks = masks.detach().cpu().numpy()
    masks = np.asarray(masks)
    expected = (int(num_instances), int(image_shape[0]), int(image_shape[1]))
    if masks.shape != expected:
        raise ValueError(f'{where}: pred_instances.masks has shape {masks.shape}, expected '
                         f'{expected} (one mask per instance, pasted into the image of '
                         'ori_shape)')
    if not (masks.dtype == bool or np.issubdtype(masks.dtype, np.integer)):
        raise ValueError(f'{where}: pred_instances.masks are {masks.dtype}, expected bool '
                         'masks (probabilities thresholded by the model)')
    return [mask_to_rle(mask != 0) for mask in masks]


def mask_iou(dt_rle: dict, gt_rle: dict) -> float:
    """Intersection over union of two RLE masks of the same image (neither is a crowd)."""
    return float(mask_utils.iou([dt_rle], [gt_rle], [0])[0, 0])


def pycocotools_view(dataset: dict) -> PyCOCO:
    """A pycocotools ``COCO`` index over an already loaded COCO ``dataset`` dict.

    The annotation dicts are shared, not copied: COCO val's ground truth is loaded once.
    pycocotools' ``COCOeval`` replaces their ``segmentation`` by its RLE in place (as
    xtcocotools' would), which keypoint evaluation never reads.
    """
    coco = PyCOCO()
    coco.dataset = dataset
    coco.createIndex()
    return coco


def annotations_without_segmentation(coco: PyCOCO) -> Tuple[int, List[int]]:
    """How many annotations have no ``segmentation``, and the ids of the first five."""
    missing = [ann_id for ann_id, ann in coco.anns.items() if 'segmentation' not in ann]
    return len(missing), missing[:5]


def segm_eval_stats(coco_gt: PyCOCO, res_file: str) -> np.ndarray:
    """COCO's 12 ``segm`` stats (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm,
    ARl) of the results json ``res_file`` (``segmentation`` RLEs with ``score``) against
    ``coco_gt``; crowd regions are matched and ignored by ``COCOeval`` itself."""
    coco_eval = COCOeval(coco_gt, coco_gt.loadRes(res_file), 'segm')
    coco_eval.evaluate()
    coco_eval.accumulate()
    coco_eval.summarize()
    return np.asarray(coco_eval.stats, dtype=np.float64)
