"""Generic conv + BatchNorm folding, on modules other than Lite-HRNet's."""
import pytest
import torch
from mmcv.cnn import ConvModule as MMCVConvModule
from torch import nn

from litehrnet.deploy import fold_batchnorm
from litehrnet.modules import ConvModule

BN = dict(type='BN')


@pytest.fixture
def check(randomised_norms):
    """``check(model, x, folds)``: folding changes the outputs by rounding only."""

    def run(model: nn.Module, x: torch.Tensor, expected_folds: int) -> nn.Module:
        randomised_norms(model).eval()
        with torch.no_grad():
            before = model(x)
            assert fold_batchnorm(model) == expected_folds
            torch.testing.assert_close(model(x), before, rtol=1e-5, atol=1e-5)
        return model

    return run


def test_mmcv_and_our_conv_modules(check):
    model = nn.Sequential(MMCVConvModule(3, 8, 3, padding=1, norm_cfg=BN),
                          ConvModule(8, 8, 3, groups=8, norm_cfg=BN),
                          MMCVConvModule(8, 4, 1, norm_cfg=BN, act_cfg=dict(type='Sigmoid')))
    check(model, torch.randn(2, 3, 9, 7), 3)
    assert all(not m.with_norm for m in model)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in model.modules())


def test_sequential_pairs_keep_their_indices(check):
    model = nn.Sequential(nn.Conv2d(3, 6, 3, bias=True), nn.BatchNorm2d(6), nn.ReLU(),
                          nn.ConvTranspose2d(6, 5, 4, stride=2, padding=1, bias=False),
                          nn.BatchNorm2d(5))
    check(model, torch.randn(2, 3, 8, 8), 2)
    assert isinstance(model[1], nn.Identity) and isinstance(model[4], nn.Identity)
    assert model[3].bias is not None


def test_leaves_other_norms_alone(check):
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.GroupNorm(2, 4), nn.BatchNorm2d(4))
    check(model, torch.randn(1, 3, 5, 5), 0)
    assert isinstance(model[1], nn.GroupNorm) and isinstance(model[2], nn.BatchNorm2d)
