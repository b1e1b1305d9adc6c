"""Training through our modules gives the original implementation's gradients."""
import copy

import pytest
import torch

from litehrnet.reference import ReferenceLiteHRNet, reference_forward, reference_model


def _backward(model, forward, x):
    model.zero_grad()
    outs = forward(x)
    targets = [torch.linspace(-1, 1, o.numel()).view_as(o) for o in outs]
    sum(((o - t)**2).mean() for o, t in zip(outs, targets)).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters()}


@pytest.mark.parametrize('name', ['litehrnet_18', 'naive_litehrnet_18'])
def test_gradients_match_the_reference(randomised_backbone, name):
    ours = randomised_backbone(name).train()
    original = copy.deepcopy(ours)
    x = torch.randn(2, 3, 64, 64)  # multiples of 32, as the reference needs
    grads = _backward(ours, ours, x)
    expected = _backward(original, lambda t: reference_forward(original, t), x)
    assert grads.keys() == expected.keys()
    # Relative to the largest gradient: the summation order of some backward ops differs
    # (nearest-upsampling gradients are summed over broadcast axes), and the biases of norms
    # followed by a train-mode norm have a true gradient of zero, i.e. pure rounding noise.
    scale = max(g.abs().max() for g in expected.values())
    for key, grad in grads.items():
        assert (grad - expected[key]).abs().max() <= 1e-5 * scale, key
    # BatchNorm statistics: the F_i0 norms are updated twice per step in both, all others once.
    expected_buffers = dict(original.named_buffers())
    for key, buffer in ours.named_buffers():
        assert torch.equal(buffer, expected_buffers[key]), key


def test_reference_model_wraps_every_backbone(randomised_backbone):
    backbone = randomised_backbone('litehrnet_18', out_indices=(0, 2)).eval()
    model = torch.nn.Sequential(backbone)
    wrapped = reference_model(model)
    assert isinstance(wrapped[0], ReferenceLiteHRNet) and model[0] is backbone
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        for a, b in zip(wrapped(x), backbone(x)):
            assert torch.equal(a, b)
