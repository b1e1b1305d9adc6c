"""Python API: build a pose model from a config and run it on images."""
from typing import List, Optional, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope
from torch import nn

from litehrnet.deploy import fuse_model
from litehrnet.engine import load_checkpoint_file
from pose.registry import DATASETS, MODELS


def _dataset_meta(cfg: Config, checkpoint: Optional[dict]) -> dict:
    """Metainfo saved in the checkpoint, else the one of the config's test dataset."""
    if checkpoint is not None and 'dataset_meta' in checkpoint.get('meta', {}):
        return checkpoint['meta']['dataset_meta']
    dataset_cfg = cfg.test_dataloader.dataset
    return DATASETS.get(dataset_cfg.type)._load_metainfo(dataset_cfg.get('metainfo'))


def init_model(config: Union[str, Config],
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None,
               trust_checkpoint: bool = False,
               fuse: bool = False) -> nn.Module:
    """Build a top-down pose model in eval mode, optionally loading a checkpoint.

    Checkpoints load weights-only (see :mod:`litehrnet.engine.checkpoint`), strictly: a
    checkpoint of another architecture fails with the mismatching keys. Both the released
    original format (``keypoint_head.*``) and ours / mmpose 1.x (``head.*``) load.

    ``fuse=True`` converts the loaded model to the inference fast path
    (:func:`litehrnet.deploy.fuse_model`: BatchNorm folded, fused Lite-HRNet forward); the
    predictions agree with the unfused model to about 1e-6, and the model can no longer train.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config.copy()
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'pose'))
    model = MODELS.build(cfg.model)
    state = None
    if checkpoint is not None:
        state = load_checkpoint_file(checkpoint, trust=trust_checkpoint)
        weights = state.get('state_dict', state)
        try:
            model.load_state_dict(weights, strict=True)
        except RuntimeError as error:
            raise RuntimeError(f'checkpoint {checkpoint} does not fit the model of this '
                               f'config:\n{error}') from error
    else:
        model.init_weights()
    if fuse:
        model = fuse_model(model)
    model.cfg = cfg
    model.dataset_meta = _dataset_meta(cfg, state)
    return model.to(device).eval()


def inference_topdown(model: nn.Module,
                      img: Union[str, np.ndarray],
                      bboxes: Optional[np.ndarray] = None,
                      bbox_format: str = 'xyxy') -> List:
    """Estimate the keypoints of the people in ``bboxes`` (the whole image when None).

    Args:
        model: from :func:`init_model`.
        img: image path or (H, W, 3) BGR array.
        bboxes: (N, 4) person boxes, 'xyxy' or 'xywh'.

    Returns:
        One ``PoseDataSample`` per box; ``pred_instances.keypoints`` (1, K, 2) in image pixels
        and ``pred_instances.keypoint_scores`` (1, K).
    """
    pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
    base = dict(img_path=img) if isinstance(img, str) else dict(img=img)
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
