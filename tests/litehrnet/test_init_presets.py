"""The initialisation presets: per-layer weight statistics against their closed forms (Kaiming
fan_out: std sqrt(2 / fan_out); the original: std 0.001), and what each preset leaves alone."""
import math

import pytest
import torch
from mmengine.model import initialize
from mmengine.registry import MODELS
from torch import nn

from litehrnet import LiteHRNet
from litehrnet.init_presets import INIT_PRESETS, STEM_CONV_MODULES, preset_init_cfg

from .conftest import variant_extra

STEM_CONVS = {f'{path}.conv' for path in STEM_CONV_MODULES}
# Tolerance on a sample std, in standard errors (relative SE of the std of n normal draws is
# about 1 / sqrt(2n)); the seed is fixed, so this only has to hold for these draws.
SE_TOLERANCE = 5


def initialised(preset: str, seed: int = 0) -> LiteHRNet:
    torch.manual_seed(seed)
    model = LiteHRNet(variant_extra('litehrnet_18'), init_preset=preset)
    model.init_weights()
    return model


def kaiming_fan_out_std(conv: nn.Conv2d) -> float:
    # torch's fan_out: out_channels x kernel area, whatever the groups.
    return math.sqrt(2 / (conv.weight.shape[0] * conv.weight[0, 0].numel()))


def expected_std(preset: str, name: str, conv: nn.Conv2d) -> float:
    if preset == 'mmpose1x' and name in STEM_CONVS:
        return kaiming_fan_out_std(conv)
    return 0.001


@pytest.mark.parametrize('preset', sorted(INIT_PRESETS))
def test_conv_weight_std_per_layer_matches_the_closed_form(preset):
    convs = {n: m for n, m in initialised(preset).named_modules() if isinstance(m, nn.Conv2d)}
    assert STEM_CONVS <= set(convs)
    for name, conv in convs.items():
        w = conv.weight.detach()
        expected = expected_std(preset, name, conv)
        tolerance = SE_TOLERANCE * expected / math.sqrt(2 * w.numel())
        assert abs(w.std().item() - expected) < tolerance, (name, w.std().item(), expected)
        assert abs(w.mean().item()) < SE_TOLERANCE * expected / math.sqrt(w.numel()), name
        if conv.bias is not None:
            assert not conv.bias.any(), name


@pytest.mark.parametrize('preset', sorted(INIT_PRESETS))
def test_norms_start_as_identity(preset):
    norms = [m for m in initialised(preset).modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms
    for m in norms:
        assert torch.equal(m.weight, torch.ones_like(m.weight))
        assert torch.equal(m.bias, torch.zeros_like(m.bias))


def test_mmpose1x_redraws_only_the_stems_conv_modules():
    """Same seed: mmpose 1.x draws the backbone's Normal(0.001) first, then the stem's Kaiming,
    so every other tensor equals the original preset's, and the stem's branch1 keeps 0.001."""
    original = initialised('original').state_dict()
    mmpose1x = initialised('mmpose1x').state_dict()
    redrawn = {f'{name}.weight' for name in STEM_CONVS}
    assert {k for k in original if not torch.equal(original[k], mmpose1x[k])} == redrawn
    assert mmpose1x['stem.branch1.0.conv.weight'].std() < 0.002


def test_builds_from_a_config_dict():
    torch.manual_seed(0)
    model = MODELS.build(dict(type='LiteHRNet', extra=variant_extra('litehrnet_18'),
                              init_preset='mmpose1x'))
    model.init_weights()
    assert model.stem.conv1.conv.weight.std() > 0.05


def test_unknown_preset_names_the_choices():
    with pytest.raises(ValueError, match=r"init_preset must be one of .*'mmpose1x'.*got 'he'"):
        LiteHRNet(variant_extra('litehrnet_18'), init_preset='he')


def test_preset_cfg_keeps_init_cfg_first():
    pretrained = dict(type='Pretrained', checkpoint='released.pth')
    assert preset_init_cfg('original', pretrained) is pretrained
    assert preset_init_cfg('mmpose1x', pretrained) == [pretrained, *INIT_PRESETS['mmpose1x']]
    assert preset_init_cfg('mmpose1x', None) == INIT_PRESETS['mmpose1x']


def test_missing_conv_module_is_named():
    with pytest.raises(ValueError, match="Sequential has no submodule 'stem.conv1'"):
        initialize(nn.Sequential(nn.Conv2d(3, 3, 1)), INIT_PRESETS['mmpose1x'])
