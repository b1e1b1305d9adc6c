"""Convolutions re-indexed for feature maps whose channels are stored out of order, or padded.

In the shuffle-free deploy form (:class:`.deploy_form.DeployForm`) channels are never moved:
after a channel shuffle, physical channel ``p`` simply holds logical channel ``order[p]``. A map
may also carry padding channels (``order[p] == -1``, always zero), so that its width is a
multiple of a SIMD block: onnxruntime keeps only such convolutions in its blocked (NCHWc)
layout, and converts the layout back and forth around every other one. Every consumer is rebuilt
to read and write physical channels: dense convs gather their weight's input columns and output
rows, depthwise convs their per-channel filters; padding gets zero weights. The copies are exact
(indexing only).
"""
from typing import List, Optional, Tuple

import torch
from torch import Tensor, nn

Order = Optional[Tensor]  # physical channel p holds logical channel order[p] (-1: padding)
Orders = List[Order]  # one per branch, highest resolution first


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


def restoring_index(order: Order, channels: int) -> Tensor:
    """The gather index ``g`` with ``x.index_select(1, g)`` in logical order, padding dropped."""
    if order is None:
        return torch.arange(channels)
    index = torch.empty(channels, dtype=torch.long)
    valid = order >= 0
    index[order[valid]] = torch.arange(len(order))[valid]
    return index


# Blocks that transform one half of a branch's channels and keep the other (the conditional
# channel weighting) can run on all of them in place: the kept channels pass through every
# per-channel transform unchanged. These helpers describe, for a branch stored in ``order`` of
# which the logical channels ``half ..`` are transformed, which physical channels are, and
# extend the weights that act on the transformed half to all physical channels.

def transformed_channels(order: Tensor, half: int) -> Tuple[Tensor, Tensor]:
    """(mask of the physical channels that hold a transformed channel, the index of that
    channel within the transformed half); kept and padding channels pass through."""
    return order >= half, (order - half).clamp(min=0)


def shuffled_order(order: Tensor, mask: Tensor, index: Tensor) -> Tensor:
    """The order after the block's shuffle: kept channel k becomes 2k, transformed channel q
    2q + 1 (padding stays -1)."""
    return torch.where(mask, 2 * index + 1, torch.where(order >= 0, 2 * order, order))


def extended_columns(weight: Tensor, columns: Tensor, mask: Tensor) -> Tensor:
    """(out, half, 1, 1) -> (out, C, 1, 1): physical column p reads ``columns[p]``, or 0."""
    return weight[:, columns] * mask.view(1, -1, 1, 1)


def extended_rows(weight: Tensor, rows: Tensor, mask: Tensor) -> Tensor:
    """(half, ...) -> (C, ...): physical row p is ``rows[p]``, or 0."""
    return weight[rows] * mask.view(-1, *([1] * (weight.dim() - 1)))


# A logit whose sigmoid is exactly 1.0 in float32 (1 - 9e-14 rounds to 1): the gate of a
# channel that passes through, from a zero weight row and this bias, so that a gate stays one
# plain Sigmoid instead of a sigmoid blended with a constant.
PASS_LOGIT = 30.


def pass_gate_bias(bias: Tensor, rows: Tensor, mask: Tensor) -> Tensor:
    """The extended gate's bias: ``bias[rows[p]]`` where transformed, :data:`PASS_LOGIT` where
    passing through."""
    return torch.where(mask, bias[rows], torch.full_like(bias[rows], PASS_LOGIT))
