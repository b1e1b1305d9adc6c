"""Report at the end of training how many samples were skipped, e.g. for corrupt images."""
import logging
from typing import Dict

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import Runner

from ..skip_counter import SkipCounter


@HOOKS.register_module()
class SkippedSampleReportHook(Hook):
    """Log the number of training samples skipped by opt-in transforms (summed over ranks and
    dataloader workers), such as ``LoadImage(skip_corrupt=True)``, when training ends.

    Each skip is also logged where it happens, naming the file; this is the total, so that a
    run that silently trained on less data than intended says so at its end. Nothing is logged
    when no transform of the run counts skips.
    """

    def after_train(self, runner: Runner) -> None:
        by_reason: Dict[str, int] = {}
        for counter in SkipCounter.live():
            by_reason[counter.reason] = by_reason.get(counter.reason, 0) + counter.total()
        totals = torch.tensor([float(total) for total in by_reason.values()] or [0.0])
        # Every rank builds the same pipelines, hence the same reasons: one reduction each.
        all_reduce(totals)
        for reason, total in zip(by_reason, totals.tolist()):
            level = logging.WARNING if total else logging.INFO
            runner.logger.log(level, f'{int(total)} training sample(s) were skipped during '
                              f'this run: {reason}')
