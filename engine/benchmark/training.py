"""Full training steps (forward, loss, backward, optimizer step) of any OpenMMLab model on a
given batch, ours against the original implementation (the task packages make the batch:
``pose.benchmark.synthetic_batch``, ``seg.benchmark.synthetic_batch``)."""
import copy
from typing import Callable, List, Tuple

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from torch import Tensor, nn

from litehrnet.reference import reference_model


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
