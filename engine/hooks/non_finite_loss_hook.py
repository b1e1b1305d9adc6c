"""Stop training at the first NaN or infinite loss or parameter, before anything saves the
broken model."""
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS
from mmengine.runner import EpochBasedTrainLoop, Runner
from torch import nn


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise ``FloatingPointError`` when a training iteration leaves a NaN or infinite loss,
    or NaN or infinite parameters, naming the iteration and the loss terms or parameters;
    checked after every training iteration.

    mmengine's ``CheckInvalidLossHook`` checks every ``interval`` iterations only, and its
    message names neither the iteration nor the term. A finite loss does not make a good step
    either: its gradients can still overflow (an exploding layer, an ``inf`` from a division
    in the backward pass), and the optimizer step then writes NaN into the weights. So the
    parameters are checked after the step as well. They, rather than the gradients, because
    they are what a checkpoint saves, and because with mixed precision non-finite gradients
    are expected now and then: the loss scaler skips those steps and leaves the weights
    intact.

    This hook runs before the checkpoint hook of the same iteration, so the newest checkpoint
    on disk stays the last good one (the message names it); the step that produced the NaN has
    already updated the weights in memory, which are therefore never saved. In a distributed
    run every rank stops at the same iteration (a rank that stopped alone would leave the
    others waiting in their next gradient reduction): the two checks share one all-reduce of
    two flags per iteration.

    Cost: one fused max-abs over all parameters (``torch._foreach_norm`` with ``ord=inf``,
    which cannot overflow, so a finite parameter is never reported) and the flags' reduction,
    whose read is the iteration's only synchronisation added by this hook.
    """

    priority = 'VERY_HIGH'  # before CheckpointHook (VERY_LOW) and LoggerHook (BELOW_NORMAL)

    def after_train_iter(self, runner: Runner, batch_idx: int,
                         data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[Dict[str, torch.Tensor]] = None) -> None:
        bad_losses = non_finite_losses(outputs or {})
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        max_abs = parameter_max_abs(model)
        flags = torch.stack([torch.tensor(float(bool(bad_losses)), device=max_abs.device),
                             (~torch.isfinite(max_abs).all()).float()])
        all_reduce(flags)  # a no-op in a single process
        loss_flag, parameter_flag = flags.tolist()
        if loss_flag == 0 and parameter_flag == 0:
            return
        where = f'iteration {runner.iter + 1}'
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            where += f' (epoch {runner.epoch + 1}, batch {batch_idx + 1})'
        if loss_flag:
            terms = ', '.join(f'{name}={value}' for name, value in bad_losses.items())
            problem = f'non-finite loss at {where}: {terms or "on another rank"}'
        else:
            names = non_finite_parameters(model, max_abs)
            shown = ', '.join(names[:5]) + (f' and {len(names) - 5} more' if len(names) > 5
                                            else '')
            problem = (f'non-finite parameters after {where} (the loss was finite, its '
                       f'gradients were not): {shown or "on another rank"}')
        last = runner.message_hub.get_info('last_ckpt') or 'none was saved yet'
        raise FloatingPointError(
            f'{problem}. Training stopped before this iteration was checkpointed; the last good '
            f'checkpoint is {last}. Lower the learning rate (or clip the gradients), or check '
            'the data of this iteration, then resume from that checkpoint.')


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


def parameter_max_abs(model: nn.Module) -> torch.Tensor:
    """The largest absolute value of each parameter of ``model``, in one fused kernel per
    device and dtype, stacked on the first parameter's device: NaN where a parameter holds a
    NaN, inf where it holds an inf (and never inf for finite values, unlike the L2 norm)."""
    parameters = [parameter.detach() for parameter in model.parameters()]
    if not parameters:
        return torch.zeros(0)
    device = parameters[0].device
    return torch.stack([value.to(device, torch.float32)
                        for value in torch._foreach_norm(parameters, float('inf'))])


def non_finite_parameters(model: nn.Module, max_abs: torch.Tensor) -> List[str]:
    """The names of the parameters whose :func:`parameter_max_abs` is not finite."""
    finite = torch.isfinite(max_abs).tolist()
    return [name for (name, _), ok in zip(model.named_parameters(), finite) if not ok]
