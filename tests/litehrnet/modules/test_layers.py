"""The convolution units fold their norms in deploy mode (mmcv's fuse_conv_bn) and re-index
their weights for channels stored out of order."""
import pytest
import torch
from torch import nn

from litehrnet.modules import ConvModule, DepthwisePointwise, DepthwiseSeparable

BN = dict(type='BN')


def test_a_conv_module_folds_its_norm(randomised_norms):
    module = randomised_norms(ConvModule(8, 6, 3, padding=1, norm_cfg=BN)).eval()
    x = torch.randn(2, 8, 9, 7)
    with torch.no_grad():
        before = module(x)
        module.switch_to_deploy()
        torch.testing.assert_close(module(x), before, rtol=1e-5, atol=1e-5)
    assert not module.with_norm and isinstance(module.bn, nn.Identity)


def test_a_unit_keeps_its_checkpoint_positions(randomised_norms):
    unit = randomised_norms(DepthwisePointwise(6, 10, 2, True)).eval()
    x = torch.randn(1, 6, 8, 8)
    with torch.no_grad():
        before = unit(x)
        unit.switch_to_deploy()
        torch.testing.assert_close(unit(x), before, rtol=1e-5, atol=1e-5)
    assert isinstance(unit[1], nn.Identity) and isinstance(unit[3], nn.Identity)
    assert isinstance(unit[2], nn.Conv2d) and unit[2].bias is not None


def test_reading_and_writing_channels_out_of_order(randomised_norms):
    """A unit reading channels stored in ``in_order`` and writing ``out_order`` computes the
    same map, relabelled; padding channels (-1) read nothing and write zeros."""
    unit = randomised_norms(DepthwiseSeparable(6, 4, BN)).eval()
    in_order = torch.tensor([3, 0, 5, -1, 1, 4, 2, -1])
    out_order = torch.tensor([2, -1, 0, 3, 1])
    x = torch.randn(1, 6, 5, 5)
    stored = torch.zeros(1, 8, 5, 5)
    stored[:, in_order >= 0] = x[:, in_order[in_order >= 0]]
    with torch.no_grad():
        expected = unit(x)
        unit.switch_to_deploy(in_order, out_order)
        got = unit(stored)
    torch.testing.assert_close(got[:, out_order >= 0], expected[:, out_order[out_order >= 0]],
                               rtol=1e-5, atol=1e-5)
    assert torch.count_nonzero(got[:, 1]) == 0


def test_group_norm_stays_and_cannot_be_reindexed():
    module = ConvModule(4, 4, 1, norm_cfg=dict(type='GN', num_groups=2))
    module.switch_to_deploy()
    assert module.with_norm and isinstance(module.gn, nn.GroupNorm)
    with pytest.raises(ValueError, match=r're-indexed\b.*\bnorm is folded'):
        module.switch_to_deploy(torch.tensor([1, 0, 2, 3]))
