"""A count of skipped training samples that dataloader workers can add to."""
import logging
import weakref
from typing import ClassVar, List

import torch
from mmengine.logging import print_log
from torch.utils.data import get_worker_info

# One slot for the main process and one per dataloader worker: each process writes only its
# own slot, so increments from concurrent workers cannot be lost.
_SLOTS = 257


class SkipCounter:
    """Counts samples a transform skipped (e.g. corrupt images), across processes.

    A transform that lets the dataset replace bad samples creates one and calls :meth:`add`.
    The counts live in shared memory, so the increments made in (forked) dataloader worker
    processes are seen by the main process, where
    :class:`~engine.SkippedSampleReportHook` reports the total of every counter at
    the end of training.

    Args:
        reason: what was skipped, for the report (e.g. 'corrupt images').
    """

    _instances: ClassVar['weakref.WeakSet[SkipCounter]'] = weakref.WeakSet()

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self._counts = torch.zeros(_SLOTS, dtype=torch.int64).share_memory_()
        SkipCounter._instances.add(self)

    def add(self) -> None:
        """Count one skipped sample."""
        worker = get_worker_info()
        slot = 0 if worker is None else 1 + worker.id % (_SLOTS - 1)
        self._counts[slot] += 1

    def skip(self, reason: Exception) -> None:
        """Count one skipped sample and log why, with the running count (which also keeps
        mmengine's logger from dropping repeats of the same message)."""
        self.add()
        print_log(f'skipped a sample ({self.total()} so far): {reason}', logger='current',
                  level=logging.WARNING)

    def total(self) -> int:
        """Samples skipped so far, by every process that shares this counter."""
        return int(self._counts.sum())

    @classmethod
    def live(cls) -> List['SkipCounter']:
        """The counters of this process, by reason."""
        return sorted(cls._instances, key=lambda counter: counter.reason)
