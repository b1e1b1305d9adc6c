"""Tensor operations of the fused path with every size given as a Python int.

Nothing here reads a tensor's shape, so a traced graph holds no shape arithmetic: reshapes keep
a free batch axis (-1) and constant channel and spatial sizes, splits have constant sizes, and
upsampling has constant scales. Where the fastest PyTorch kernel and the cleanest ONNX graph
differ, the traced branch picks the ONNX form (``Resize``, 1x1 ``Conv``), which onnxruntime
runs in its blocked channel layout without reordering.
"""
import math
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from ..modules import SpatialWeighting
from ..modules.nearest_broadcast import add_nearest_, mul_nearest

Size = Tuple[int, int]


def branch_sizes(input_size: Size, num_branches: int) -> List[Size]:
    """(h, w) of branch k = 0..num_branches-1: the stem halves twice, every new branch once more,
    each 3x3 stride-2 conv rounding up."""
    h, w = input_size
    sizes = []
    for k in range(num_branches):
        for _ in range(2 if k == 0 else 1):
            h, w = math.ceil(h / 2), math.ceil(w / 2)
        sizes.append((h, w))
    return sizes


def exact_factors(low: Size, high: Size) -> Optional[Size]:
    """(H / h, W / w) when both divide, else None."""
    if high[0] % low[0] or high[1] % low[1]:
        return None
    return high[0] // low[0], high[1] // low[1]


def split_halves(x: Tensor, channels: int) -> Tuple[Tensor, Tensor]:
    """(N, 2 * channels, H, W) -> two (N, channels, H, W) views."""
    return torch.split(x, [channels, channels], dim=1)


def shuffle_concat(a: Tensor, b: Tensor, channels: int, size: Size) -> Tensor:
    """``channel_shuffle(cat((a, b)), 2)`` for (N, channels, *size) inputs, in one copy."""
    return torch.stack((a, b), dim=2).reshape(-1, 2 * channels, *size)


def _windows(length: int, cells: int) -> List[Tuple[int, int]]:
    """Adaptive pooling's [start, end) of every output cell along one axis."""
    return [(i * length // cells, -(-(i + 1) * length // cells)) for i in range(cells)]


def pool_to(x: Tensor, size: Size, target: Size) -> Tensor:
    """``F.adaptive_avg_pool2d(x, target)`` for an (N, C, *size) input, with static windows.

    Sizes that divide become a fixed-kernel average pool. Otherwise the windows overlap
    unevenly, which the ONNX exporter only converts when it can read the input size; averaging
    rows and then columns over the precomputed windows is the same mean over each rectangle.
    """
    factors = exact_factors(target, size)
    if factors is not None:
        return F.avg_pool2d(x, factors, factors)
    rows = [x[:, :, a:b].mean(2, keepdim=True) for a, b in _windows(size[0], target[0])]
    x = torch.cat(rows, dim=2)
    columns = [x[:, :, :, a:b].mean(3, keepdim=True) for a, b in _windows(size[1], target[1])]
    return torch.cat(columns, dim=3)


def _nearest(low: Tensor, size: Size, factors: Optional[Size]) -> Tensor:
    if factors is None:
        return F.interpolate(low, size=size, mode='nearest')
    return F.interpolate(low, scale_factor=tuple(map(float, factors)), mode='nearest')


def upsample_mul(x: Tensor, low: Tensor, size: Size, low_size: Size) -> Tensor:
    """``x * nearest_upsample(low)``, x (N, C, *size), low (N, C, *low_size)."""
    factors = exact_factors(low_size, size)
    if factors is None or torch.jit.is_tracing():
        return x * _nearest(low, size, factors)
    return mul_nearest(x, low, factors, low_size[0])


def upsample_add_(y: Tensor, low: Tensor, size: Size, low_size: Size) -> Tensor:
    """``y += nearest_upsample(low)`` (in place unless tracing; use the result)."""
    factors = exact_factors(low_size, size)
    if factors is None or torch.jit.is_tracing():
        return y + _nearest(low, size, factors)
    return add_nearest_(y, low, factors, low_size[0])


def spatial_weighting_(m: SpatialWeighting, x: Tensor) -> Tensor:
    """``x * F(x)`` of a folded spatial weighting, multiplying ``x`` in place unless tracing.

    Eager: the two 1x1 convs as matrix products on the (N, C) pooled vector (a conv on a 1x1
    map costs far more than its arithmetic). Traced: global pooling and 1x1 convs, which
    onnxruntime keeps in its blocked layout.
    """
    if torch.jit.is_tracing():
        return x * m.conv2(m.conv1(x.mean((2, 3), keepdim=True)))
    w = x.mean((2, 3))
    w = F.linear(w, m.conv1.conv.weight.flatten(1), m.conv1.conv.bias).relu_()
    w = torch.sigmoid(F.linear(w, m.conv2.conv.weight.flatten(1), m.conv2.conv.bias))
    return x.mul_(w.unsqueeze(-1).unsqueeze(-1))

