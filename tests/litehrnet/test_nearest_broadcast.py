"""Nearest upsampling folded into add/multiply, and the one-copy shuffle of a concatenation:
bit-identical to the operations they replace."""
import pytest
import torch
import torch.nn.functional as F

from litehrnet.modules import channel_shuffle, shuffle_concat
from litehrnet.modules.nearest_broadcast import add_nearest_, integer_factors, mul_nearest


@pytest.mark.parametrize('low,size', [((4, 3), (16, 12)), ((8, 6), (16, 12)), ((3, 2), (5, 3)),
                                      ((2, 2), (2, 8))])
def test_bit_identical_to_interpolate(low, size):
    x = torch.randn(2, 5, *size)
    small = torch.randn(2, 5, *low)
    upsampled = F.interpolate(small, size=size, mode='nearest')
    assert torch.equal(mul_nearest(x, small), x * upsampled)
    assert torch.equal(add_nearest_(x.clone(), small), x + upsampled)


def test_on_a_channel_slice_view():
    x = torch.randn(2, 8, 8, 6)[:, 4:]
    small = torch.randn(2, 4, 2, 3)
    assert torch.equal(mul_nearest(x, small), x * F.interpolate(small, size=(8, 6)))


def test_factors():
    assert integer_factors((8, 6), (64, 48)) == (8, 8)
    assert integer_factors((3, 2), (5, 3)) is None


def test_shuffle_concat_equals_concat_then_shuffle():
    a, b = torch.randn(2, 6, 3, 5), torch.randn(2, 6, 3, 5)
    assert torch.equal(shuffle_concat(a, b), channel_shuffle(torch.cat((a, b), dim=1), 2))
