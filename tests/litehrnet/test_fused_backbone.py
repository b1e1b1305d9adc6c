"""The inference fast path (norms folded, fused forward) against the eager model."""
import copy

import pytest
import torch

from litehrnet import VARIANT_NAMES
from litehrnet.deploy import FusedLiteHRNet, branch_sizes, fuse_model
from litehrnet.reference_forward import reference_forward

ATOL = 1e-4


def assert_outputs_close(ours, expected):
    assert len(ours) == len(expected)
    for a, b in zip(ours, expected):
        assert a.shape == b.shape
        assert (a - b).abs().max().item() <= ATOL


@pytest.mark.parametrize('name', VARIANT_NAMES)
@pytest.mark.parametrize('size', [(64, 48), (67, 45)])
def test_every_variant_matches_eager(randomised_backbone, name, size):
    model = randomised_backbone(name).eval()
    fused = FusedLiteHRNet(copy.deepcopy(model))
    x = torch.randn(2, 3, *size)
    with torch.no_grad():
        assert_outputs_close(fused(x), model(x))


@pytest.mark.parametrize('name', ['litehrnet_18', 'litehrnet_30'])
@pytest.mark.parametrize('channel_multiple', [1, 16])
def test_shuffle_free_matches_eager(randomised_backbone, name, channel_multiple):
    model = randomised_backbone(name).eval()
    fused = FusedLiteHRNet(copy.deepcopy(model), shuffle_free=True,
                           channel_multiple=channel_multiple)
    x = torch.randn(2, 3, 67, 45)
    with torch.no_grad():
        assert_outputs_close(fused(x), model(x))


def test_shuffle_free_refuses_naive_stages(randomised_backbone):
    with pytest.raises(ValueError, match='Lite stages only'):
        FusedLiteHRNet(randomised_backbone('naive_litehrnet_18'), shuffle_free=True)


def test_without_head_and_selected_outputs(randomised_backbone):
    model = randomised_backbone('litehrnet_18', with_head=False, out_indices=(1, 3)).eval()
    fused = fuse_model(copy.deepcopy(model))
    assert isinstance(fused, FusedLiteHRNet) and fused.out_channels == [80, 320]
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert_outputs_close(fused(x), model(x))


def test_reproduces_the_fuse_quirk(randomised_backbone):
    """The original's aliasing doubles branch 0 and F_i0(y_0): the fused path must too (the
    reference forward has the quirk; a quirk-free fuse differs, see test_reference_forward)."""
    model = randomised_backbone('litehrnet_18').eval()
    fused = FusedLiteHRNet(copy.deepcopy(model))
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert_outputs_close(fused(x), reference_forward(model, x))


def test_static_input_size_reads_no_shapes(randomised_backbone):
    model = randomised_backbone('litehrnet_18').eval()
    fused = FusedLiteHRNet(copy.deepcopy(model), static_input_size=(64, 48))
    x = torch.randn(3, 3, 64, 48)
    with torch.no_grad():
        assert_outputs_close(fused(x), model(x))
    assert branch_sizes((67, 45), 4) == [(17, 12), (9, 6), (5, 3), (3, 2)]


def test_folds_every_norm_and_freezes(randomised_backbone):
    fused = FusedLiteHRNet(randomised_backbone('naive_litehrnet_18'))
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fused.modules())
    assert not any(p.requires_grad for p in fused.parameters())


def test_channels_last_model(randomised_backbone):
    model = randomised_backbone('litehrnet_18').eval()
    fused = fuse_model(copy.deepcopy(model), channels_last=True)
    x = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        assert_outputs_close(fused(x.contiguous(memory_format=torch.channels_last)), model(x))
