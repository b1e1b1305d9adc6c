"""NonFiniteLossHook stops at the first NaN loss or NaN parameter, names the iteration, and
leaves the last good checkpoint as the newest one."""
import math
import re

import pytest
import torch

from engine import load_checkpoint_file
from engine.hooks.non_finite_loss_hook import (non_finite_losses, non_finite_parameters,
                                               parameter_max_abs)


def test_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(toy_runner, tmp_path):
    runner = toy_runner(nan_from=3, custom_hooks=[dict(type='NonFiniteLossHook')],
                        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1,
                                                           by_epoch=False)))
    with pytest.raises(FloatingPointError, match='non-finite loss at iteration 3: loss=nan') \
            as error:
        runner.train()
    work = tmp_path / 'work'
    assert str(work / 'iter_2.pth') in str(error.value)
    assert not (work / 'iter_3.pth').exists()
    assert (work / 'last_checkpoint').read_text().strip() == str(work / 'iter_2.pth')
    saved = load_checkpoint_file(str(work / 'iter_2.pth'))['state_dict']['weight']
    assert torch.isfinite(saved).all()
    assert not torch.isfinite(runner.model.weight).all()  # the NaN step was never saved


def test_finite_loss_with_nan_gradients_stops_training_before_it_is_saved(toy_runner,
                                                                          tmp_path):
    """The loss of iteration 3 is finite, its gradient is not: the step writes NaN weights."""
    runner = toy_runner(nan_grad_from=3, custom_hooks=[dict(type='NonFiniteLossHook')],
                        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1,
                                                           by_epoch=False)))
    with pytest.raises(FloatingPointError,
                       match=r'non-finite parameters after iteration 3\b') as error:
        runner.train()
    assert 'loss was finite' in str(error.value)
    assert re.search(r': weight\.', str(error.value))  # the parameter's name
    work = tmp_path / 'work'
    assert str(work / 'iter_2.pth') in str(error.value)
    assert not (work / 'iter_3.pth').exists()
    assert (work / 'last_checkpoint').read_text().strip() == str(work / 'iter_2.pth')
    saved = load_checkpoint_file(str(work / 'iter_2.pth'))['state_dict']['weight']
    assert torch.isfinite(saved).all()


def test_parameter_check_is_exact_where_a_norm_would_overflow():
    model = torch.nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.fill_(1e30)  # finite, but its L2 norm overflows float32
        model.bias[1] = math.nan
    assert non_finite_parameters(model, parameter_max_abs(model)) == ['bias']


def test_without_the_hook_the_nan_weights_are_checkpointed(toy_runner, tmp_path):
    """The failure the hook prevents: mmengine alone saves the NaN model and carries on."""
    runner = toy_runner(nan_from=3, default_hooks=dict(
        checkpoint=dict(type='CheckpointHook', interval=1, by_epoch=False)))
    runner.train()
    saved = load_checkpoint_file(str(tmp_path / 'work' / 'iter_3.pth'))['state_dict']['weight']
    assert not torch.isfinite(saved).all()


def test_non_finite_losses_checks_the_loss_terms_only():
    outputs = dict(loss=torch.tensor(1.0), loss_kpt=torch.tensor(math.inf),
                   acc_pose=torch.tensor(math.nan))
    assert non_finite_losses(outputs) == dict(loss_kpt=math.inf)
