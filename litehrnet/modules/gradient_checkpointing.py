"""Gradient checkpointing (recomputing activations in the backward pass to save memory) that
leaves BatchNorm running statistics as a plain forward would."""
from contextlib import contextmanager, nullcontext
from typing import Callable, Iterator

import torch
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.checkpoint import checkpoint


@contextmanager
def _frozen_norm_statistics(module: nn.Module) -> Iterator[None]:
    """Restore the BatchNorm buffers of ``module`` on exit.

    The recomputation in the backward pass runs the forward a second time in training mode, which
    would update running_mean/var and num_batches_tracked twice per step; restoring them keeps the
    statistics identical to a run without checkpointing.
    """
    norms = [m for m in module.modules() if isinstance(m, _BatchNorm) and m.track_running_stats]
    saved = [(m.running_mean.clone(), m.running_var.clone(), m.num_batches_tracked.clone())
             for m in norms]
    try:
        yield
    finally:
        for m, (mean, var, count) in zip(norms, saved):
            m.running_mean.copy_(mean)
            m.running_var.copy_(var)
            m.num_batches_tracked.copy_(count)


def checkpointed(module: nn.Module, function: Callable, *inputs: Tensor):
    """Run ``function(*inputs)`` under non-reentrant gradient checkpointing.

    Non-reentrant checkpointing propagates gradients to the parameters even when no input requires
    grad (the image entering the stem), which the original code's reentrant variant did not.
    """
    return checkpoint(
        function, *inputs, use_reentrant=False,
        context_fn=lambda: (nullcontext(), _frozen_norm_statistics(module)))


def should_checkpoint(with_cp: bool) -> bool:
    """Checkpoint only when a backward pass can follow."""
    return with_cp and torch.is_grad_enabled()
