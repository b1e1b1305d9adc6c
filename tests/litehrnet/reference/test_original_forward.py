"""Parity with the original implementation's forward (in-place fuse aliasing included)."""
import copy

import pytest
import torch

from litehrnet.init_presets import INIT_PRESETS
from litehrnet.reference import reference_forward


@pytest.mark.parametrize('name', ['litehrnet_18', 'naive_litehrnet_18'])
@pytest.mark.parametrize('mode', ['eval', 'train'])
def test_bit_identical_to_the_original_forward(randomised_backbone, name, mode):
    model = randomised_backbone(name)
    model.train(mode == 'train')
    x = torch.randn(2, 3, 128, 96)
    with torch.no_grad():
        ours = model(x)
        original = reference_forward(model, x)
    assert len(ours) == len(original) == 4
    for a, b in zip(ours, original):
        assert torch.equal(a, b)


@pytest.mark.parametrize('preset', sorted(INIT_PRESETS))
def test_bit_identical_under_each_init_preset(randomised_backbone, preset):
    """Parity holds from each preset's weights too (the presets change values, not structure)."""
    model = randomised_backbone('litehrnet_18', init_preset=preset).eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        ours = model(x)
        original = reference_forward(model, x)
    assert ours[0].abs().max() > 0
    for a, b in zip(ours, original):
        assert torch.equal(a, b)


def test_fuse_quirk_changes_the_function(randomised_backbone):
    """Guard for the parity test: a fuse that sums each branch once gives other outputs."""
    model = randomised_backbone('litehrnet_18').eval()
    module = model.stage0[0]
    x = [torch.randn(1, 40, 16, 12), torch.randn(1, 80, 8, 6)]
    with torch.no_grad():
        ours = module(x)
        blocks = module._blocks(list(x), [None, None])
        upsampled = module.fuse_layers[0][1](blocks[1], torch.zeros(1, 40, 16, 12))
        plain0 = torch.relu(blocks[0] + upsampled)
        quirk0 = torch.relu(2 * blocks[0] + upsampled)
    assert not torch.allclose(ours[0], plain0)
    torch.testing.assert_close(ours[0], quirk0)


@pytest.mark.parametrize('name', ['litehrnet_18', 'naive_litehrnet_18'])
def test_train_mode_updates_running_statistics_like_the_original(randomised_backbone, name):
    """The original calls F_i0 twice per step (its aliasing quirk), so the norms on that path
    update their running statistics twice: ours must leave every buffer as the original's."""
    ours = randomised_backbone(name).train()
    original = copy.deepcopy(ours)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        ours(x)
        reference_forward(original, x)
    expected = dict(original.named_buffers())
    for key, buffer in ours.named_buffers():
        assert torch.equal(buffer, expected[key]), key
    counts = {b.item() for k, b in ours.named_buffers() if k.endswith('num_batches_tracked')}
    assert counts == {1, 2}  # F_i0's norms counted twice, all others once
