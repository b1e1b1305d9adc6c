"""The shuffle-free deploy form: Lite blocks on all channels, the shuffles folded into the
weights that read them, outputs put back in channel order."""
import copy

import pytest
import torch

from litehrnet.deploy import DeployForm, switch_to_deploy
from litehrnet.modules import ConditionalChannelWeighting, channel_shuffle

ATOL = 1e-4


def assert_outputs_close(ours, expected):
    """Within ATOL of outputs of magnitude up to 1; relative beyond (an untrained
    Lite-HRNet-30 without its head reaches activations of several hundred)."""
    assert len(ours) == len(expected)
    for a, b in zip(ours, expected):
        assert a.shape == b.shape
        assert (a - b).abs().max().item() <= ATOL * max(1., b.abs().max().item())


@pytest.mark.parametrize('name', ['litehrnet_18', 'litehrnet_30'])
@pytest.mark.parametrize('channel_multiple', [1, 16])
@pytest.mark.parametrize('with_head', [True, False])
def test_matches_the_trained_model(randomised_backbone, name, channel_multiple, with_head):
    model = randomised_backbone(name, with_head=with_head).eval()
    deployed = switch_to_deploy(copy.deepcopy(model),
                                form=DeployForm(shuffle_free=True,
                                                channel_multiple=channel_multiple))
    assert all(m.whole_channels for m in deployed.modules()
               if isinstance(m, ConditionalChannelWeighting))
    x = torch.randn(2, 3, 67, 45)
    with torch.no_grad():
        assert_outputs_close(deployed(x), model(x))


def test_static_sizes_and_padding(randomised_backbone):
    model = randomised_backbone('litehrnet_18', with_head=False).eval()
    deployed = switch_to_deploy(copy.deepcopy(model), input_size=(64, 48),
                                form=DeployForm(shuffle_free=True, channel_multiple=16))
    # branch 0 (40 channels) is stored with 8 zero channels; its output is restored to 40
    widths = {m.out_channels for m in deployed.transition0.modules()
              if isinstance(m, torch.nn.Conv2d)}
    assert 48 in widths
    x = torch.randn(3, 3, 64, 48)
    with torch.no_grad():
        assert_outputs_close(deployed(x), model(x))


def test_the_stem_is_read_unshuffled(randomised_backbone):
    stem = randomised_backbone('litehrnet_18').stem.eval()
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        shuffled = stem(x)
        stem.shuffle_output = False
        unshuffled = stem(x)
    # physical channel p of the unshuffled output is logical channel shuffle_order()[p]
    assert torch.equal(unshuffled, shuffled[:, stem.shuffle_order()])
    assert torch.equal(channel_shuffle(unshuffled, 2), shuffled)


def test_naive_stages_are_left_split(randomised_backbone):
    assert DeployForm(shuffle_free=True).for_module_types(('LITE', 'NAIVE')) == DeployForm()
    model = randomised_backbone('naive_litehrnet_18').eval()
    deployed = switch_to_deploy(copy.deepcopy(model), form=DeployForm(shuffle_free=True))
    assert deployed.stem.shuffle_output
    x = torch.randn(1, 3, 64, 48)
    with torch.no_grad():
        assert_outputs_close(deployed(x), model(x))
