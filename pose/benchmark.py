"""Pose models for the benchmark: a synthetic training batch, and the three ways of getting
keypoints and silhouettes that the multi-task comparison times (the joint model, pose alone, and
pose beside a separate person segmentor)."""
import copy
import warnings
from typing import List, Tuple

import torch
from mmengine.structures import InstanceData, PixelData
from torch import Tensor, nn

from engine import build_model
from pose.structures import PoseDataSample

# The separate segmentor of the multi-task comparison: mmseg's FCN on Lite-HRNet-18 (the
# segmentation model of this repository), made a 2-class person/background model.
PERSON_SEGMENTOR = 'configs/seg/fcn_litehrnet-18_cityscapes-512x1024.py'


def synthetic_batch(model: nn.Module, batch: int, shape: Tuple[int, int],
                    device: str) -> Tuple[Tensor, List[PoseDataSample]]:
    """Normalised random images (N, 3, H, W) and data samples with random target heatmaps
    (K, H/4, W/4) and unit keypoint weights, K being the head's output channels; for a model
    with a mask head also random binary mask targets (1, H/4, W/4) with unit weights."""
    inputs = torch.randn(batch, 3, *shape, generator=torch.Generator().manual_seed(1))
    keypoints = model.head.out_channels
    height, width = shape[0] // 4, shape[1] // 4
    generator = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(batch):
        sample = PoseDataSample()
        sample.gt_fields = PixelData(
            heatmaps=torch.rand(keypoints, height, width, generator=generator).to(device))
        if getattr(model, 'with_mask', False):
            mask = torch.rand(1, height, width, generator=generator) > 0.5
            sample.gt_fields.mask_target = mask.float().to(device)
            sample.gt_fields.mask_weights = torch.ones(1, height, width, device=device)
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, keypoints, device=device))
        samples.append(sample)
    return inputs.to(device), samples


def pose_alone(model: nn.Module) -> nn.Module:
    """A copy of the multi-task ``model`` without its mask head: the same backbone and
    keypoint head, heatmaps only.

    Raises:
        ValueError: ``model`` has no mask head.
    """
    if not getattr(model, 'with_mask', False):
        raise ValueError(f'{type(model).__name__} has no mask head: the multi-task comparison '
                         'needs a pose config with `model.mask_head` (e.g. '
                         'configs/pose/lite_hrnet_mask/coco/litehrnet_18_mask_coco_256x192.py)')
    alone = copy.deepcopy(model)
    alone.mask_head = None
    return alone


def person_segmentor(config: str, shape: Tuple[int, int], device: str = 'cpu') -> nn.Module:
    """The segmentation ``config``'s model as a 2-class (person, background) segmentor of
    person crops of ``shape`` = (H, W): its tensor forward gives (N, 2, H/4, W/4) logits."""
    with warnings.catch_warnings():
        # mmseg suggests one sigmoid channel for two classes; the comparison keeps the FCN as
        # this repository trains it (softmax over the classes), with two.
        warnings.filterwarnings('ignore', message='For binary segmentation')
        return build_model(config, device=device, cfg_options={
            'model.decode_head.num_classes': 2,
            'model.data_preprocessor.size': tuple(shape)})
