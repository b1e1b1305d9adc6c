"""Every place where the engine replaces a dependency's object at run time, written against
mmengine 0.10.7 and torch 2.13 (the pinned stack, requirements/constraints.txt).
tests/engine/test_dependency_patches.py checks the assumptions each makes, so that a new
release that breaks one fails there, not in a training run.
"""
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import torch
from mmengine.runner import IterBasedTrainLoop, Runner

MMENGINE_VERSION = '0.10.7'


def wrap_save_checkpoint(runner: Runner, wrap: Callable[[Callable], Callable]) -> None:
    """Make this run's ``runner.save_checkpoint`` (``Runner.save_checkpoint(out_dir, filename,
    file_client_args=None, save_optimizer=True, save_param_scheduler=True, meta=None,
    by_epoch=True, backend_args=None)``, the one method every CheckpointHook saves through)
    ``wrap(the bound method)``, on this runner only; idempotent per wrapper."""
    current = runner.save_checkpoint
    if getattr(current, 'wrapped_by', None) is wrap:
        return
    wrapped = wrap(current)
    wrapped.wrapped_by = wrap
    runner.save_checkpoint = wrapped


def unwrap_save_checkpoint(runner: Runner) -> None:
    """The Runner's own ``save_checkpoint`` again."""
    vars(runner).pop('save_checkpoint', None)


def wrap_training_batches(loop: IterBasedTrainLoop,
                          wrap: Callable[[Iterator], Iterator]) -> None:
    """Make an iteration-based loop read its batches from ``wrap(its batch iterator)``: in
    mmengine 0.10.7 ``IterBasedTrainLoop.run`` takes every batch, those it replays on resume
    included, with ``next(self.dataloader_iterator)``."""
    loop.dataloader_iterator = wrap(loop.dataloader_iterator)


@contextmanager
def cuda_device_selection_skipped() -> Iterator[None]:
    """``torch.cuda.set_device`` as a no-op within the context: mmengine 0.10.7's ``init_dist``
    (pytorch, slurm and mpi launchers alike) selects a CUDA device unconditionally, which fails
    on a machine without one."""
    original = torch.cuda.set_device

    def skip(device: Any) -> None:
        pass

    torch.cuda.set_device = skip
    try:
        yield
    finally:
        torch.cuda.set_device = original
