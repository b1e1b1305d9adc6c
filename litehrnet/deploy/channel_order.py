"""Convolutions re-indexed for feature maps whose channels are stored out of order, or padded.

In the shuffle-free deploy form (:mod:`.shuffle_free`) channels are never moved: after a channel
shuffle, physical channel ``p`` simply holds logical channel ``order[p]``. A map may also carry
padding channels (``order[p] == -1``, always zero), so that its width is a multiple of a SIMD
block: onnxruntime keeps only such convolutions in its blocked (NCHWc) layout, and converts the
layout back and forth around every other one. Every consumer is rebuilt to read and write
physical channels: dense convs gather their weight's input columns and output rows, depthwise
convs their per-channel filters; padding gets zero weights. The copies are exact (indexing
only).
"""
from typing import Optional

import torch
from torch import Tensor, nn

from ..modules import ConvModule, DepthwisePointwise

Order = Optional[Tensor]  # physical channel p holds logical channel order[p] (-1: padding)


def padded_order(channels: int, multiple: int) -> Order:
    """Logical order with zero channels appended up to a multiple of ``multiple`` (None when
    nothing is appended)."""
    padding = -channels % multiple
    if padding == 0:
        return None
    return torch.cat([torch.arange(channels), torch.full((padding, ), -1)])


def full_order(order: Order, channels: int) -> Tensor:
    """``order`` as an explicit index (None is the logical order of ``channels``)."""
    return torch.arange(channels) if order is None else order


def _gather(weight: Tensor, order: Order, dim: int) -> Tensor:
    """``weight`` indexed by ``order`` along ``dim``, zero where ``order`` is -1."""
    if order is None:
        return weight
    picked = weight.index_select(dim, order.clamp(min=0))
    shape = [1] * weight.dim()
    shape[dim] = -1
    return picked * (order >= 0).to(weight.dtype).view(shape)


def conv_from(weight: Tensor, bias: Optional[Tensor], like: nn.Conv2d,
              groups: int = 1) -> nn.Conv2d:
    """A frozen ``nn.Conv2d`` with ``like``'s geometry and the given weight and bias."""
    new = nn.Conv2d(weight.shape[1] * groups, weight.shape[0], like.kernel_size, like.stride,
                    like.padding, like.dilation, groups, bias=bias is not None)
    new.weight.data.copy_(weight)
    if bias is not None:
        new.bias.data.copy_(bias)
    return new.requires_grad_(False).to(like.weight.device)


def is_depthwise(conv: nn.Conv2d) -> bool:
    return conv.groups > 1 and conv.groups == conv.in_channels == conv.out_channels


@torch.no_grad()
def permuted_conv(conv: nn.Conv2d, in_order: Order = None, out_order: Order = None) -> nn.Conv2d:
    """A copy of ``conv`` reading channels stored in ``in_order`` and writing ``out_order``.

    A depthwise conv keeps each channel where it is, so its output order is its input order
    (``out_order`` must be None).
    """
    if is_depthwise(conv):
        if out_order is not None:
            raise ValueError('a depthwise conv writes its input order')
        bias = None if conv.bias is None else _gather(conv.bias, in_order, 0)
        weight = _gather(conv.weight, in_order, 0)
        return conv_from(weight, bias, conv, groups=weight.shape[0])
    if conv.groups != 1:
        raise ValueError(f'cannot re-index a grouped conv (groups={conv.groups})')
    weight = _gather(_gather(conv.weight, in_order, 1), out_order, 0)
    bias = None if conv.bias is None else _gather(conv.bias, out_order, 0)
    return conv_from(weight, bias, conv)


def reorder_unit_(unit: DepthwisePointwise, in_order: Order, out_order: Order) -> None:
    """Make a folded depthwise/pointwise unit read ``in_order`` and write ``out_order``."""
    unit.set_convs(permuted_conv(unit.depthwise, in_order),
                   permuted_conv(unit.pointwise, in_order, out_order))


def reorder_chain_(chain: nn.Sequential, in_order: Order, out_order: Order) -> None:
    """Make a chain of folded depthwise/pointwise units read ``in_order`` and write
    ``out_order``; the units in between keep the logical order."""
    units = list(chain)
    for k, unit in enumerate(units):
        reorder_unit_(unit, in_order if k == 0 else None,
                      out_order if k == len(units) - 1 else None)


def reorder_conv_module_(module: ConvModule, in_order: Order, out_order: Order = None) -> None:
    """Make a folded :class:`ConvModule` read ``in_order`` and write ``out_order``."""
    module.conv = permuted_conv(module.conv, in_order, out_order)


def restoring_index(order: Order, channels: int) -> Tensor:
    """The gather index ``g`` with ``x.index_select(1, g)`` in logical order, padding dropped."""
    if order is None:
        return torch.arange(channels)
    index = torch.empty(channels, dtype=torch.long)
    valid = order >= 0
    index[order[valid]] = torch.arange(len(order))[valid]
    return index
