"""Tensor operations of the Lite-HRNet blocks, each an exact rewrite of a slower or
non-exportable form.

Every function takes the spatial sizes it needs either from its tensors or, when the caller knows
them in advance, as Python ints (``size``/``sizes`` arguments). The backbone passes ints in
deploy mode with a fixed input size (:attr:`LiteHRNet.static_input_size`): a traced graph then
holds no shape arithmetic (reshapes keep a free batch axis and constant channel and spatial
sizes, upsampling has constant scales, adaptive pooling becomes a plain average pool), which is
what ONNX export with a dynamic batch axis needs. Without ints, tensors' own sizes are read, as
in training.

Nearest upsampling is folded into the add or multiply that consumes it: ``F.interpolate`` on the
CPU copies its input and output to another memory layout and back, which makes it several times
slower than the add itself. When the target size is an integer multiple of the source size, a
nearest upsample only repeats values, so the same result comes from repeating columns on the
small tensor and broadcasting over the rows of the large one: values are copied, never
computed, so the output is bit-identical.
"""
import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

Size = Tuple[int, int]


def branch_sizes(input_size: Size, num_branches: int) -> List[Size]:
    """(h, w) of branch k = 0..num_branches-1 for an (H, W) input: the stem halves twice,
    every new branch once more, each 3x3 stride-2 conv rounding up."""
    h, w = input_size
    sizes = []
    for k in range(num_branches):
        for _ in range(2 if k == 0 else 1):
            h, w = math.ceil(h / 2), math.ceil(w / 2)
        sizes.append((h, w))
    return sizes


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """Interleave the channels of ``groups`` equal channel groups (ShuffleNet).

    Shapes: (N, C, H, W) -> (N, C, H, W) where output channel ``k * groups + g`` is input
    channel ``g * C/groups + k``.
    """
    # unflatten/flatten instead of view() with ints read off x.size(): a traced graph then
    # carries no shape constants (a dynamic batch axis survives) and raises no TracerWarning.
    return x.unflatten(1, (groups, -1)).transpose(1, 2).flatten(1, 2)


def shuffle_concat(a: Tensor, b: Tensor, shape: Optional[Tuple[int, int, int]] = None) -> Tensor:
    """``channel_shuffle(torch.cat((a, b), dim=1), 2)`` in one copy instead of two.

    Output channel ``2k`` is ``a[:, k]`` and ``2k + 1`` is ``b[:, k]``: stacking on a new axis
    after the channels writes exactly that layout, and merging the two axes is then a view.

    Shapes: a, b (N, C, H, W) -> (N, 2C, H, W); ``shape`` = (2C, H, W) when known in advance.
    """
    stacked = torch.stack((a, b), dim=2)
    if shape is None:
        return stacked.flatten(1, 2)
    return stacked.reshape(-1, *shape)


def split_halves(x: Tensor, channels: int) -> Tuple[Tensor, Tensor]:
    """(N, 2 * channels, H, W) -> two (N, channels, H, W) views; ``torch.chunk`` with the size
    given, so that a traced graph splits by a constant instead of computing it from a shape."""
    return torch.split(x, [channels, channels], dim=1)


def integer_factors(low_size: Sequence[int], size: Sequence[int]) -> Optional[Size]:
    """(fh, fw) with ``size == (low_h * fh, low_w * fw)``, or None when a side does not
    divide."""
    (h, w), (big_h, big_w) = low_size, size
    if big_h % h or big_w % w:
        return None
    return big_h // h, big_w // w


def _upsampling(low: Tensor, big: Tensor, low_size: Optional[Size],
                size: Optional[Size]) -> Tuple[Optional[Size], Sequence, Optional[Size]]:
    """(low size, target size, integer factors or None) of upsampling ``low`` to ``big``.

    A tracer's sizes are followed, never branched on: that would bake this input's sizes into
    a graph meant to follow them (a dynamic batch axis survives export).
    """
    if size is not None:
        return low_size, size, integer_factors(low_size, size)
    if torch.jit.is_tracing():
        return None, big.shape[-2:], None
    low_size, size = tuple(low.shape[-2:]), tuple(big.shape[-2:])
    return low_size, size, integer_factors(low_size, size)


def _nearest(low: Tensor, size: Sequence, factors: Optional[Size]) -> Tensor:
    """``F.interpolate(low, size, mode='nearest')``; constant scales when they are integers
    (one ``Resize`` with constant scales in a traced graph)."""
    if factors is None:
        return F.interpolate(low, size=size, mode='nearest')
    return F.interpolate(low, scale_factor=tuple(map(float, factors)), mode='nearest')


def _broadcast_pair(big: Tensor, low: Tensor, low_height: int,
                    factors: Size) -> Tuple[Tensor, Tensor]:
    """``big`` viewed as (N, C, h, fh, W) and ``low`` as (N, C, h, 1, W) broadcasting over fh,
    its columns repeated fw times."""
    fh, fw = factors
    if fw > 1:
        low = low.unsqueeze(-1).expand(-1, -1, -1, -1, fw).flatten(3)
    return big.unflatten(2, (low_height, fh)), low.unsqueeze(3)


def add_nearest_(y: Tensor, low: Tensor, low_size: Optional[Size] = None,
                 size: Optional[Size] = None) -> Tensor:
    """``y += nearest_upsample(low, y.shape[-2:])`` in place; use the returned tensor.

    While tracing it returns a new tensor instead: an in-place add through a reshaped view is a
    mutation that TorchScript-based ONNX export does not carry back to ``y``.

    Shapes: y (N, C, H, W), low (N, C, h, w) -> (N, C, H, W); ``low_size`` = (h, w) and
    ``size`` = (H, W) when known in advance.
    """
    low_size, size, factors = _upsampling(low, y, low_size, size)
    if torch.jit.is_tracing():
        return y + _nearest(low, size, factors)
    if factors is None:
        return y.add_(_nearest(low, size, None))
    big, small = _broadcast_pair(y, low, low_size[0], factors)
    big.add_(small)
    return y


def mul_nearest(x: Tensor, low: Tensor, low_size: Optional[Size] = None,
                size: Optional[Size] = None) -> Tensor:
    """``x * nearest_upsample(low, x.shape[-2:])`` as a new tensor.

    Shapes: x (N, C, H, W), low (N, C, h, w) -> (N, C, H, W); ``low_size`` = (h, w) and
    ``size`` = (H, W) when known in advance.
    """
    low_size, size, factors = _upsampling(low, x, low_size, size)
    if factors is None or torch.jit.is_tracing():
        return x * _nearest(low, size, factors)
    big, small = _broadcast_pair(x, low, low_size[0], factors)
    return (big * small).flatten(2, 3)


def _windows(length: int, cells: int) -> List[Tuple[int, int]]:
    """Adaptive pooling's [start, end) of every output cell along one axis."""
    return [(i * length // cells, -(-(i + 1) * length // cells)) for i in range(cells)]


def adaptive_avg_pool(x: Tensor, target: Sequence, size: Optional[Size] = None) -> Tensor:
    """``F.adaptive_avg_pool2d(x, target)``; with ``size`` = (H, W) of x given, as static ops.

    With static sizes that divide it is a fixed-kernel average pool. Otherwise the windows
    overlap unevenly, which the ONNX exporter only converts when it can read the input size;
    averaging rows and then columns over the precomputed windows is the same mean over each
    rectangle.
    """
    if size is None:
        return F.adaptive_avg_pool2d(x, target)
    factors = integer_factors(target, size)
    if factors is not None:
        return F.avg_pool2d(x, factors, factors)
    rows = [x[:, :, a:b].mean(2, keepdim=True) for a, b in _windows(size[0], target[0])]
    x = torch.cat(rows, dim=2)
    columns = [x[:, :, :, a:b].mean(3, keepdim=True) for a, b in _windows(size[1], target[1])]
    return torch.cat(columns, dim=3)
