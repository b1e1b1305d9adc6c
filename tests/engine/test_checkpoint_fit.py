"""checkpoint_mismatches reads a checkpoint as mmengine loads it and lists what would not load;
require_checkpoint_fit refuses it unless partial loading is allowed."""
import logging
import re

import pytest
import torch
from torch import nn

from engine import (CheckpointMismatchError, checkpoint_mismatches,
                              require_checkpoint_fit)


class Net(nn.Module):
    """conv + BN, and a load hook that renames an old key prefix, as released checkpoints
    of the pose model need."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self._register_load_state_dict_pre_hook(self._rename)

    @staticmethod
    def _rename(state, prefix, *args) -> None:
        for key in [k for k in state if k.startswith(prefix + 'old_conv.')]:
            state[key.replace('old_conv.', 'conv.', 1)] = state.pop(key)


def test_a_fitting_checkpoint_has_no_mismatches():
    net = Net()
    state = {f'module.{k}': v for k, v in net.state_dict().items()  # saved from DDP
             if 'num_batches_tracked' not in k}  # older checkpoints lack it
    state = {k.replace('module.conv.', 'module.old_conv.'): v for k, v in state.items()}
    assert checkpoint_mismatches(net, {'state_dict': state}) == []


def test_missing_unexpected_and_reshaped_weights_are_listed():
    net = Net()
    state = dict(net.state_dict())
    del state['bn.bias']
    state['conv.weight'] = torch.zeros(4, 3, 5, 5)
    state['head.weight'] = torch.zeros(1)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    mismatches = checkpoint_mismatches(net, state)
    assert 'missing in the checkpoint: bn.bias' in mismatches
    assert 'not in the model: head.weight' in mismatches
    assert any(m.startswith('size mismatch for conv.weight') for m in mismatches)
    assert len(mismatches) == 3
    assert all(torch.equal(v, net.state_dict()[k]) for k, v in before.items())  # untouched


def test_refused_unless_partial_loading_is_allowed(caplog):
    net = Net()
    state = {f'extra.{i}': torch.zeros(1) for i in range(12)}
    state.update(net.state_dict())
    with pytest.raises(CheckpointMismatchError) as error:
        require_checkpoint_fit(net, 'ckpt.pth', state, False, logging.getLogger('test'))
    message = str(error.value)
    assert message.startswith('checkpoint ckpt.pth ')
    assert 'does not fit' in message and '(12 mismatching weights)' in message
    assert 'not in the model' in message
    assert len(re.findall(r'\bextra\.\d+\b', message)) == 10 and '... and 2 more' in message
    assert '--allow-partial-load' in message
    with caplog.at_level(logging.WARNING, logger='test'):
        require_checkpoint_fit(net, 'ckpt.pth', state, True, logging.getLogger('test'))
    assert 'ckpt.pth' in caplog.text and '(12 mismatching weights)' in caplog.text
    assert '--allow-partial-load: loading only' in caplog.text
