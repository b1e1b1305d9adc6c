"""A synthetic training batch of a segmentor, for the training benchmark."""
from typing import List, Tuple

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from torch import Tensor, nn


def synthetic_batch(model: nn.Module, batch: int, shape: Tuple[int, int],
                    device: str) -> Tuple[Tensor, List[SegDataSample]]:
    """Normalised random images (N, 3, H, W) and data samples with random labels (1, H, W)
    over the decode head's classes."""
    inputs = torch.randn(batch, 3, *shape, generator=torch.Generator().manual_seed(1))
    classes = model.decode_head.num_classes
    generator = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(batch):
        sample = SegDataSample(metainfo=dict(img_shape=shape, pad_shape=shape, ori_shape=shape))
        labels = torch.randint(0, classes, (1, *shape), generator=generator)
        sample.gt_sem_seg = PixelData(data=labels.to(device))
        samples.append(sample)
    return inputs.to(device), samples
