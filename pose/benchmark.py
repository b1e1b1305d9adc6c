"""A synthetic training batch of a pose model, for the training benchmark."""
from typing import List, Tuple

import torch
from mmengine.structures import InstanceData, PixelData
from torch import Tensor, nn

from pose.structures import PoseDataSample


def synthetic_batch(model: nn.Module, batch: int, shape: Tuple[int, int],
                    device: str) -> Tuple[Tensor, List[PoseDataSample]]:
    """Normalised random images (N, 3, H, W) and data samples with random target heatmaps
    (K, H/4, W/4) and unit keypoint weights, K being the head's output channels."""
    inputs = torch.randn(batch, 3, *shape, generator=torch.Generator().manual_seed(1))
    keypoints = model.head.out_channels
    height, width = shape[0] // 4, shape[1] // 4
    generator = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(batch):
        sample = PoseDataSample()
        sample.gt_fields = PixelData(
            heatmaps=torch.rand(keypoints, height, width, generator=generator).to(device))
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, keypoints, device=device))
        samples.append(sample)
    return inputs.to(device), samples
