"""Python API: a pose model from a config (``engine.init_model``) run on images."""
from typing import List, Optional, Union

import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from torch import nn

from engine import init_model

from .sources import check_image_array

__all__ = ['init_model', 'inference_topdown']


def inference_topdown(model: nn.Module,
                      img: Union[str, np.ndarray],
                      bboxes: Optional[np.ndarray] = None,
                      bbox_format: str = 'xyxy') -> List:
    """Estimate the keypoints of the people in ``bboxes`` (the whole image when None).

    Args:
        model: from :func:`init_model`.
        img: image path or (H, W, 3) uint8 BGR array (anything else is refused, naming
            what it is).
        bboxes: (N, 4) person boxes without context, as a detector gives them, 'xyxy' or
            'xywh'. They go through the config's test pipeline, whose ``GetBBoxCenterScale``
            pads them exactly as training padded the dataset's boxes (every dataset here,
            MPII included, holds boxes without context), so a box is cropped as the same box
            was in training before augmentation.

    Returns:
        One ``PoseDataSample`` per box; ``pred_instances.keypoints`` (1, K, 2) in image pixels
        and ``pred_instances.keypoint_scores`` (1, K); from a model with a mask head also
        ``pred_instances.masks`` (1, H, W) bool, the person's silhouette in the image.
    """
    pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
    base = dict(img_path=img) if isinstance(img, str) else dict(img=check_image_array(img))
    if bboxes is None:
        height, width = _image_size(img, pipeline)
        bboxes = np.array([[0, 0, width, height]], dtype=np.float32)
    bboxes = np.asarray(bboxes, dtype=np.float32).reshape(-1, 4)
    if bbox_format == 'xywh':
        bboxes = np.concatenate([bboxes[:, :2], bboxes[:, :2] + bboxes[:, 2:]], axis=1)
    elif bbox_format != 'xyxy':
        raise ValueError(f"bbox_format must be 'xyxy' or 'xywh', got {bbox_format!r}")
    samples = []
    for bbox in bboxes:
        info = dict(base, bbox=bbox[None], bbox_score=np.ones(1, dtype=np.float32),
                    **model.dataset_meta)
        samples.append(pipeline(info))
    if not samples:
        return []
    with torch.no_grad():
        return model.test_step(pseudo_collate(samples))


def _image_size(img: Union[str, np.ndarray], pipeline: Compose) -> tuple:
    if isinstance(img, np.ndarray):
        return img.shape[:2]
    loaded = pipeline.transforms[0](dict(img_path=img))
    return loaded['img'].shape[:2]
