"""Parity with the original implementation's forward (in-place fuse aliasing included)."""
import pytest
import torch
from torch import nn

from litehrnet import LiteHRNet, variant_extra
from litehrnet.reference_forward import reference_forward


def randomised(name):
    torch.manual_seed(0)
    model = LiteHRNet(variant_extra(name), out_indices=(0, 1, 2, 3), init_cfg=None)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    return model


@pytest.mark.parametrize('name', ['litehrnet_18', 'naive_litehrnet_18'])
@pytest.mark.parametrize('mode', ['eval', 'train'])
def test_bit_identical_to_the_original_forward(name, mode):
    model = randomised(name)
    model.train(mode == 'train')
    x = torch.randn(2, 3, 128, 96)
    with torch.no_grad():
        ours = model(x)
        original = reference_forward(model, x)
    assert len(ours) == len(original) == 4
    for a, b in zip(ours, original):
        assert torch.equal(a, b)


def test_fuse_quirk_changes_the_function():
    """Guard for the parity test: a fuse that sums each branch once gives other outputs."""
    model = randomised('litehrnet_18').eval()
    module = model.stage0[0]
    x = [torch.randn(1, 40, 16, 12), torch.randn(1, 80, 8, 6)]
    with torch.no_grad():
        ours = module(x)
        blocks = module._blocks(list(x))
        plain0 = torch.relu(blocks[0] + module.fuse_layers[0][1](blocks[1], (16, 12)))
        quirk0 = torch.relu(2 * blocks[0] + module.fuse_layers[0][1](blocks[1], (16, 12)))
    assert not torch.allclose(ours[0], plain0)
    torch.testing.assert_close(ours[0], quirk0)
