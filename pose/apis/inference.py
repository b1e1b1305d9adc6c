"""Python API: build a pose model from a config and run it on images."""
from typing import List, Optional, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from torch import nn

from engine import apply_backend, build_model, check_backend
from pose.registry import DATASETS

from .sources import check_image_array


def init_model(config: Union[str, Config],
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None,
               trust_checkpoint: bool = False,
               backend: str = 'pytorch',
               threads: int = 0) -> nn.Module:
    """Build a top-down pose model in eval mode, optionally loading a checkpoint.

    Built by :func:`engine.build_model`: checkpoints load weights-only and strictly (a
    checkpoint of another architecture fails with the mismatching keys); both the released
    original format (``keypoint_head.*``) and ours / mmpose 1.x (``head.*``) load. Without a
    checkpoint the weights get the config's initialisation. ``model.dataset_meta`` comes from
    the checkpoint, else from the config's test dataset.

    Args:
        backend: what computes the heatmaps (:data:`engine.BACKENDS`): 'pytorch', the
            trained modules; 'deploy', their inference form
            (:func:`litehrnet.deploy.switch_to_deploy`: BatchNorm folded, about 1e-6 from
            'pytorch'; the model can no longer train); 'onnxruntime' or 'openvino', the
            exported graph in that runtime (:class:`engine.RuntimeForward`; on the CPU).
        threads: the runtime's threads (0: its default).
    """
    check_backend(backend)
    model = build_model(config, checkpoint, cfg_options=cfg_options,
                        trust_checkpoint=trust_checkpoint)
    if checkpoint is None:
        model.init_weights()
    if getattr(model, 'dataset_meta', None) is None:
        dataset_cfg = model.cfg.test_dataloader.dataset
        model.dataset_meta = DATASETS.get(dataset_cfg.type)._load_metainfo(
            dataset_cfg.get('metainfo'))
    return apply_backend(model, backend, threads).to(device).eval()


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
        and ``pred_instances.keypoint_scores`` (1, K).
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
