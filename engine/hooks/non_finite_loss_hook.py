"""Stop training at the first NaN or infinite loss, before anything saves the broken model."""
from typing import Dict, Optional, Sequence

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import EpochBasedTrainLoop, Runner


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise ``FloatingPointError`` naming the iteration and the loss terms when a loss is NaN
    or infinite, checked after every training iteration.

    mmengine's ``CheckInvalidLossHook`` checks every ``interval`` iterations only, and its
    message names neither the iteration nor the term. This hook runs before the checkpoint
    hook of the same iteration, so the newest checkpoint on disk stays the last good one (the
    message names it); the step that produced the NaN has already updated the weights in
    memory, which are therefore never saved. In a distributed run every rank stops at the same
    iteration (a rank that stopped alone would leave the others waiting in their next
    gradient reduction).
    """

    priority = 'VERY_HIGH'  # before CheckpointHook (VERY_LOW) and LoggerHook (BELOW_NORMAL)

    def after_train_iter(self, runner: Runner, batch_idx: int,
                         data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[Dict[str, torch.Tensor]] = None) -> None:
        bad = non_finite_losses(outputs or {})
        flag = torch.tensor(float(bool(bad)))
        all_reduce(flag)  # a no-op in a single process
        if flag.item() == 0:
            return
        terms = ', '.join(f'{name}={value}' for name, value in bad.items()) or 'on another rank'
        last = runner.message_hub.get_info('last_ckpt') or 'none was saved yet'
        where = f'iteration {runner.iter + 1}'
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            where += f' (epoch {runner.epoch + 1}, batch {batch_idx + 1})'
        raise FloatingPointError(
            f'non-finite loss at {where}: '
            f'{terms}. Training stopped before this iteration was checkpointed; the last good '
            f'checkpoint is {last}. Lower the learning rate, or check the data of this '
            'iteration, then resume from that checkpoint.')


def non_finite_losses(outputs: Dict[str, torch.Tensor]) -> Dict[str, float]:
    """The loss terms (keys containing 'loss', as mmengine's ``parse_losses`` names them) of
    a ``train_step`` output that are NaN or infinite."""
    bad = {}
    for name, value in outputs.items():
        if 'loss' in name:
            value = torch.as_tensor(value).detach()
            if not torch.isfinite(value).all():
                bad[name] = value.float().mean().item()
    return bad
