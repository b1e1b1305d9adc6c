"""Reseed the global random generators before each training batch, so that a resumed run draws
the same augmentations as an uninterrupted one."""
import random
from typing import Callable, Iterator, Optional, Sequence

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import IterBasedTrainLoop, Runner

from ..dependency_patches import wrap_training_batches


@HOOKS.register_module()
class AugmentationSeedHook(Hook):
    """Seed numpy's, Python's and torch's global generators from (run seed, rank, iteration)
    right before each training batch is loaded.

    Why: with ``num_workers=0`` the random transforms (flip, scale, rotation, crop, photometric
    distortion) draw from the main process's global generators, whose state mmengine's
    checkpoints do not hold. A resumed run restarts them from the seed, so without this hook
    it would draw other augmentations than the uninterrupted run did. Seeding per iteration
    makes each batch's draws a function of the seed, the rank and the iteration alone, which
    the checkpoint does restore. (Dataloader workers were the other option: mmengine seeds them
    with the same seed every epoch, so with non-persistent workers every epoch would repeat
    the previous epoch's augmentations.) With ``num_workers > 0`` the workers draw from their
    own generators and this hook changes nothing for them.

    Where: in epoch-based loops nothing runs between ``before_train_epoch`` /
    ``after_train_iter`` and the next batch; in iteration-based loops validation does, and
    mmengine's resume re-reads the batches already trained (to restore the sampler position)
    after every hook, so there the seeding happens inside the loop's data iterator instead.
    """

    priority = 'LOWEST'  # after every other hook that might draw random numbers

    def before_train(self, runner: Runner) -> None:
        loop = runner.train_loop
        if isinstance(loop, IterBasedTrainLoop):
            wrap_training_batches(
                loop, lambda batches: _SeededBatches(batches,
                                                     lambda index: self._seed(runner, index)))

    def before_train_epoch(self, runner: Runner) -> None:
        if not isinstance(runner.train_loop, IterBasedTrainLoop):
            self._seed(runner, runner.iter)

    def after_train_iter(self, runner: Runner, batch_idx: int,
                         data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[dict] = None) -> None:
        if not isinstance(runner.train_loop, IterBasedTrainLoop):
            self._seed(runner, runner.iter + 1)  # runner.iter is still the finished iteration

    @staticmethod
    def _seed(runner: Runner, iteration: int) -> None:
        seed = augmentation_seed(runner.seed, get_rank(), iteration)
        np.random.seed(seed)
        random.seed(seed)
        torch.manual_seed(seed)


def augmentation_seed(run_seed: int, rank: int, iteration: int) -> int:
    """A 32-bit seed that differs between ranks (each loads other samples) and iterations."""
    return int(np.random.SeedSequence([run_seed, rank, iteration]).generate_state(1)[0])


class _SeededBatches:
    """An iterator over training batches that seeds the generators before loading each one;
    batch ``i`` (counted from the start of training, as mmengine's resume replays them) is
    loaded right after ``seed(i)``."""

    def __init__(self, batches: Iterator, seed: Callable[[int], None]) -> None:
        self._batches = batches
        self._seed = seed
        self._index = 0

    def __iter__(self) -> '_SeededBatches':
        return self

    def __next__(self):
        self._seed(self._index)
        self._index += 1
        return next(self._batches)
