"""Nearest-neighbour upsampling folded into the add or multiply that consumes it.

``F.interpolate(mode='nearest')`` on CPU copies its input and output to another memory layout
and back, which makes it several times slower than the add that follows it. When the target
size is an integer multiple of the source size, a nearest upsample only repeats values, so the
same result comes from repeating columns on the small tensor and broadcasting over the rows of
the large one: the values are copied, never computed, so the output is bit-identical.

``factors`` may be given by a caller that knows the sizes in advance (the deploy path, whose
sizes are fixed at export); otherwise they are read off the tensors.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

Factors = Tuple[int, int]


def integer_factors(low_size: Sequence[int], size: Sequence[int]) -> Optional[Factors]:
    """(fh, fw) with ``size == (low_h * fh, low_w * fw)``, or None when a side does not divide
    or when tracing.

    A tracer records sizes as tensors: branching on them would bake this input's sizes into the
    graph, so traced graphs keep ``F.interpolate``, which follows the sizes (a dynamic batch axis
    survives ONNX export).
    """
    if torch.jit.is_tracing():
        return None
    (h, w), (big_h, big_w) = low_size, size
    if big_h % h or big_w % w:
        return None
    return big_h // h, big_w // w


def _columns_repeated(low: Tensor, factor: int) -> Tensor:
    """(N, C, h, w) -> (N, C, h, w * factor), each column repeated ``factor`` times."""
    if factor == 1:
        return low
    return low.unsqueeze(-1).expand(-1, -1, -1, -1, factor).flatten(3)


def _broadcast_pair(big: Tensor, low: Tensor, low_height: int,
                    factors: Factors) -> Tuple[Tensor, Tensor]:
    """``big`` viewed as (N, C, h, fh, W) and ``low`` as (N, C, h, 1, W) broadcasting over fh."""
    fh, fw = factors
    return big.unflatten(2, (low_height, fh)), _columns_repeated(low, fw).unsqueeze(3)


def add_nearest_(y: Tensor, low: Tensor, factors: Optional[Factors] = None,
                 low_height: Optional[int] = None) -> Tensor:
    """``y += nearest_upsample(low, y.shape[-2:])`` in place; use the returned tensor.

    While tracing it returns a new tensor instead: an in-place add through a reshaped view is a
    mutation that TorchScript-based ONNX export does not carry back to ``y``.

    Shapes: y (N, C, H, W), low (N, C, h, w) -> (N, C, H, W); ``factors`` = (H / h, W / w) and
    ``low_height`` = h when known in advance.
    """
    if factors is None:
        factors = integer_factors(low.shape[-2:], y.shape[-2:])
        if factors is None:
            return y.add_(F.interpolate(low, size=y.shape[-2:], mode='nearest'))
    big, small = _broadcast_pair(y, low, low.shape[2] if low_height is None else low_height,
                                 factors)
    if torch.jit.is_tracing():
        return (big + small).flatten(2, 3)
    big.add_(small)
    return y


def mul_nearest(x: Tensor, low: Tensor, factors: Optional[Factors] = None,
                low_height: Optional[int] = None) -> Tensor:
    """``x * nearest_upsample(low, x.shape[-2:])`` as a new tensor.

    Shapes: x (N, C, H, W), low (N, C, h, w) -> (N, C, H, W); ``factors`` = (H / h, W / w) and
    ``low_height`` = h when known in advance.
    """
    if factors is None:
        factors = integer_factors(low.shape[-2:], x.shape[-2:])
        if factors is None:
            return x * F.interpolate(low, size=x.shape[-2:], mode='nearest')
    big, small = _broadcast_pair(x, low, low.shape[2] if low_height is None else low_height,
                                 factors)
    return (big * small).flatten(2, 3)
