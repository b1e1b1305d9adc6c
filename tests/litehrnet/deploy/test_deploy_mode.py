"""The inference form (norms folded, modules in deploy mode) against the trained model."""
import copy

import pytest
import torch

from litehrnet import LiteHRNet

from ..conftest import VARIANT_NAMES
from litehrnet.deploy import switch_to_deploy
from litehrnet.modules import SpatialWeighting, branch_sizes
from litehrnet.reference import reference_forward

ATOL = 1e-4


def assert_outputs_close(ours, expected):
    assert len(ours) == len(expected)
    for a, b in zip(ours, expected):
        assert a.shape == b.shape
        assert (a - b).abs().max().item() <= ATOL


@pytest.mark.parametrize('name', VARIANT_NAMES)
@pytest.mark.parametrize('size', [(64, 48), (67, 45)])
def test_every_variant_matches_the_trained_model(randomised_backbone, name, size):
    model = randomised_backbone(name).eval()
    deployed = switch_to_deploy(copy.deepcopy(model))
    x = torch.randn(2, 3, *size)
    with torch.no_grad():
        assert_outputs_close(deployed(x), model(x))


def test_without_head_and_selected_outputs(randomised_backbone):
    model = randomised_backbone('litehrnet_18', with_head=False, out_indices=(1, 3)).eval()
    deployed = switch_to_deploy(copy.deepcopy(model))
    assert isinstance(deployed, LiteHRNet) and deployed.out_channels == [80, 320]
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert_outputs_close(deployed(x), model(x))


def test_reproduces_the_fuse_quirk(randomised_backbone):
    """The original's aliasing doubles branch 0 and F_i0(y_0): deploy mode must too (the
    reference forward has the quirk; a quirk-free fuse differs, see test_original_forward)."""
    model = randomised_backbone('litehrnet_18').eval()
    deployed = switch_to_deploy(copy.deepcopy(model))
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert_outputs_close(deployed(x), reference_forward(model, x))


@pytest.mark.parametrize('size', [(64, 48), (67, 45)])
def test_static_input_size(randomised_backbone, size):
    model = randomised_backbone('litehrnet_18').eval()
    deployed = switch_to_deploy(copy.deepcopy(model), input_size=size)
    x = torch.randn(3, 3, *size)
    with torch.no_grad():
        assert_outputs_close(deployed(x), model(x))
        with pytest.raises(ValueError, match=r'deployed for \(\d+, \d+\) inputs'):
            deployed(torch.randn(1, 3, 32, 32))
    assert branch_sizes((67, 45), 4) == [(17, 12), (9, 6), (5, 3), (3, 2)]


def test_folds_every_norm_and_freezes(randomised_backbone):
    deployed = switch_to_deploy(randomised_backbone('naive_litehrnet_18'))
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in deployed.modules())
    assert not any(p.requires_grad for p in deployed.parameters())
    assert not deployed.training


def test_every_module_switches(randomised_backbone):
    deployed = switch_to_deploy(randomised_backbone('litehrnet_18', with_cp=True))
    weightings = [m for m in deployed.modules() if isinstance(m, SpatialWeighting)]
    assert weightings and all(m.deploy for m in weightings)
    assert not any(getattr(m, 'with_cp', False) for m in deployed.modules())


class BackboneAndHead(torch.nn.Module):

    def __init__(self, backbone: LiteHRNet) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = torch.nn.Sequential(torch.nn.Conv2d(40, 8, 3, padding=1),
                                        torch.nn.BatchNorm2d(8))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x)[0])


def test_a_whole_model_keeps_its_interface(randomised_backbone, randomised_norms):
    """The norms of heads around the backbone are folded too, in the same model object."""
    model = randomised_norms(BackboneAndHead(randomised_backbone('litehrnet_18'))).eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        expected = model(x)
        assert switch_to_deploy(model) is model
        got = model(x)
    assert isinstance(model.head[1], torch.nn.Identity)
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def test_channels_last_model(randomised_backbone):
    model = randomised_backbone('litehrnet_18').eval()
    deployed = switch_to_deploy(copy.deepcopy(model)).to(memory_format=torch.channels_last)
    x = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        assert_outputs_close(deployed(x.contiguous(memory_format=torch.channels_last)), model(x))
