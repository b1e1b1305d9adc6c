"""Full training steps (forward, loss, backward, optimizer step) on a synthetic batch."""
import copy
from typing import Callable, List, Tuple

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from torch import Tensor, nn

from ..reference_forward import reference_model


def _pose_samples(model: nn.Module, batch: int, shape: Tuple[int, int],
                  device: str) -> List:
    from mmengine.structures import InstanceData, PixelData

    from pose.structures import PoseDataSample
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
    return samples


def _seg_samples(model: nn.Module, batch: int, shape: Tuple[int, int], device: str) -> List:
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    classes = model.decode_head.num_classes
    generator = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(batch):
        sample = SegDataSample(metainfo=dict(img_shape=shape, pad_shape=shape, ori_shape=shape))
        labels = torch.randint(0, classes, (1, *shape), generator=generator)
        sample.gt_sem_seg = PixelData(data=labels.to(device))
        samples.append(sample)
    return samples


def synthetic_batch(model: nn.Module, batch: int, shape: Tuple[int, int],
                    device: str) -> Tuple[Tensor, List]:
    """Normalised random images (N, 3, H, W) and data samples with random targets: heatmaps
    (K, H/4, W/4) for a pose model, labels (1, H, W) for a segmentor."""
    inputs = torch.randn(batch, 3, *shape, generator=torch.Generator().manual_seed(1))
    if hasattr(model, 'decode_head'):
        return inputs.to(device), _seg_samples(model, batch, shape, device)
    return inputs.to(device), _pose_samples(model, batch, shape, device)


def train_step(model: nn.Module, cfg: Config, inputs: Tensor,
               samples: List) -> Callable[[], None]:
    """One training step of ``model`` (put in train mode) with the config's optimizer."""
    model.train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)

    def step() -> None:
        losses = model(inputs, samples, mode='loss')
        loss, _ = model.parse_losses(losses)
        optim_wrapper.update_params(loss)

    return step


def _gradients(model: nn.Module, inputs: Tensor, samples: List) -> List[Tensor]:
    model.train().zero_grad()
    loss, _ = model.parse_losses(model(inputs, samples, mode='loss'))
    loss.backward()
    return [p.grad for p in model.parameters() if p.grad is not None]


def gradient_difference(model: nn.Module, inputs: Tensor, samples: List) -> float:
    """Largest difference between our gradients of one training loss and the reference's
    (:func:`reference_model`, same weights, same batch), relative to the largest reference
    gradient. ``model`` is left unchanged.

    The reference wraps each backbone in one more module, so the parameters are paired by
    order, which the wrapping keeps, not by name.
    """
    expected = _gradients(reference_model(model), inputs, samples)
    got = _gradients(copy.deepcopy(model), inputs, samples)
    if [g.shape for g in got] != [g.shape for g in expected]:
        raise ValueError('the reference model does not have the same parameters as ours')
    scale = max(g.abs().max().item() for g in expected)
    return max((a - b).abs().max().item() for a, b in zip(got, expected)) / scale


def training_pair(model: nn.Module, cfg: Config, inputs: Tensor,
                  samples: List) -> Tuple[Callable[[], None], Callable[[], None]]:
    """(reference step, our step), on separate copies of the same weights."""
    reference = reference_model(model)
    ours = copy.deepcopy(model)
    return train_step(reference, cfg, inputs, samples), train_step(ours, cfg, inputs, samples)
