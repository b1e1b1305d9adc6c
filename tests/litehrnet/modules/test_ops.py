"""The blocks' tensor operations: nearest upsampling folded into add/multiply, the one-copy
shuffle of a concatenation and static adaptive pooling, each exact to the operation it
replaces."""
import pytest
import torch
import torch.nn.functional as F

from litehrnet.modules.ops import (adaptive_avg_pool, add_nearest_, channel_shuffle,
                                   integer_factors, mul_nearest, shuffle_concat)


def test_channel_shuffle_interleaves_groups():
    x = torch.arange(6.).view(1, 6, 1, 1)
    assert channel_shuffle(x, 2).flatten().tolist() == [0., 3., 1., 4., 2., 5.]
    y = torch.randn(2, 8, 3, 5)
    expected = y.view(2, 2, 4, 3, 5).transpose(1, 2).reshape(2, 8, 3, 5)
    assert torch.equal(channel_shuffle(y, 2), expected)


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
    expected = channel_shuffle(torch.cat((a, b), dim=1), 2)
    assert torch.equal(shuffle_concat(a, b), expected)
    assert torch.equal(shuffle_concat(a, b, shape=(12, 3, 5)), expected)


@pytest.mark.parametrize('low,size', [((4, 3), (16, 12)), ((3, 2), (5, 3))])
def test_static_sizes_give_the_same_result(low, size):
    x = torch.randn(2, 5, *size)
    small = torch.randn(2, 5, *low)
    torch.testing.assert_close(mul_nearest(x, small, low, size), mul_nearest(x, small))
    torch.testing.assert_close(add_nearest_(x.clone(), small, low, size),
                               add_nearest_(x.clone(), small))


@pytest.mark.parametrize('size,target', [((16, 12), (4, 3)), ((17, 12), (5, 3)), ((5, 3), (3, 2))])
def test_static_adaptive_pooling(size, target):
    x = torch.randn(2, 5, *size)
    torch.testing.assert_close(adaptive_avg_pool(x, target, size),
                               F.adaptive_avg_pool2d(x, target))
