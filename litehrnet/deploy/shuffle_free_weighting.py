"""Conditional channel weighting without channel splits, concatenations or shuffles.

The block keeps one half of every branch's channels and transforms the other (cross-resolution
weighting, 3x3 depthwise conv, spatial weighting), then interleaves the halves. Every one of
those transforms acts on each channel separately, except the squeeze-excite 1x1 convs, which
read and write pooled vectors. So the block can run on all channels in place, with the kept
channels passing through unchanged -- weight exactly 1, identity depthwise filter -- and the
shuffle becomes a relabelling of the channels rather than a copy. No split, concatenation or
shuffle is ever materialised, at the price of running the (cheap, per-channel) transforms on
the kept half too; in onnxruntime's blocked channel layout this also removes the layout
conversions that every split and shuffle forces.
"""
from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..modules import ConditionalChannelWeighting, SpatialWeighting
from .channel_order import Order
from .static_ops import Size, pool_to, upsample_mul


def _processed(order: Tensor, half: int) -> Tuple[Tensor, Tensor]:
    """(mask of the transformed channels, their index within the transformed half); kept and
    padding channels (-1) pass through."""
    mask = order >= half
    return mask, (order - half).clamp(min=0)


def _shuffled(order: Tensor, mask: Tensor, index: Tensor) -> Tensor:
    """The order after the shuffle: kept channel k becomes 2k, transformed channel q 2q + 1."""
    return torch.where(mask, 2 * index + 1, torch.where(order >= 0, 2 * order, order))


def _scatter_columns(weight: Tensor, columns: Tensor, mask: Tensor) -> Tensor:
    """(out, half, 1, 1) -> (out, C, 1, 1): physical column p reads ``columns[p]``, or 0."""
    return weight[:, columns] * mask.view(1, -1, 1, 1)


def _scatter_rows(weight: Tensor, rows: Tensor, mask: Tensor) -> Tensor:
    return weight[rows] * mask.view(-1, *([1] * (weight.dim() - 1)))


def _conv(weight: Tensor, bias: Tensor, groups: int = 1, padding: int = 0) -> nn.Conv2d:
    out_channels, in_per_group, k, _ = weight.shape
    conv = nn.Conv2d(in_per_group * groups, out_channels, k, padding=padding, groups=groups)
    conv.weight.data.copy_(weight)
    conv.bias.data.copy_(bias)
    return conv.requires_grad_(False)


class _Gate(nn.Module):
    """``sigmoid`` for the transformed channels, exactly 1 for the kept ones."""

    def __init__(self, mask: Tensor) -> None:
        super().__init__()
        self.register_buffer('scale', mask.float().view(1, -1, 1, 1))
        self.register_buffer('offset', 1 - mask.float().view(1, -1, 1, 1))

    def forward(self, logits: Tensor) -> Tensor:
        return torch.sigmoid(logits) * self.scale + self.offset


class ShuffleFreeChannelWeighting(nn.Module):
    """A folded :class:`ConditionalChannelWeighting` running on branches stored in ``orders``.

    Args:
        block: the folded block (its norms already in its convs).
        orders: the channel order of each input branch (None: logical order).

    ``out_orders`` gives the channel order of each output branch. Shapes: list of
    (N, C_k, H_k, W_k) -> list of the same shapes.
    """

    def __init__(self, block: ConditionalChannelWeighting, orders: Sequence[Order]) -> None:
        super().__init__()
        crw = block.cross_resolution_weighting
        halves = crw.channels
        orders = [torch.arange(2 * h) if o is None else o for o, h in zip(orders, halves)]
        processed = [_processed(o, h) for o, h in zip(orders, halves)]
        self.channels = [len(o) for o in orders]
        self._build_cross_resolution(crw.conv1.conv, crw.conv2.conv, halves, processed)
        self.depthwise = nn.ModuleList(
            self._identity_extended(dw.conv, mask, index)
            for dw, (mask, index) in zip(block.depthwise_convs, processed))
        self.spatial = nn.ModuleList(
            self._spatial(sw, mask, index)
            for sw, (mask, index) in zip(block.spatial_weighting, processed))
        self.out_orders = [_shuffled(o, mask, index) for o, (mask, index) in zip(orders, processed)]

    def _build_cross_resolution(self, conv1: nn.Conv2d, conv2: nn.Conv2d, halves: List[int],
                                processed: List[Tuple[Tensor, Tensor]]) -> None:
        offsets = [sum(halves[:k]) for k in range(len(halves))]
        columns = torch.cat([index + off for (_, index), off in zip(processed, offsets)])
        mask = torch.cat([m for m, _ in processed])
        self.squeeze = _conv(_scatter_columns(conv1.weight, columns, mask), conv1.bias)
        self.excite = _conv(_scatter_rows(conv2.weight, columns, mask),
                            conv2.bias[columns] * mask)
        self.cross_gate = _Gate(mask)

    @staticmethod
    def _identity_extended(conv: nn.Conv2d, mask: Tensor, index: Tensor) -> nn.Conv2d:
        identity = torch.zeros_like(conv.weight[:1])
        identity[..., 1, 1] = 1
        weight = torch.where(mask.view(-1, 1, 1, 1), conv.weight[index], identity)
        return _conv(weight, conv.bias[index] * mask, groups=len(mask), padding=1)

    @staticmethod
    def _spatial(sw: SpatialWeighting, mask: Tensor, index: Tensor) -> nn.Sequential:
        c1, c2 = sw.conv1.conv, sw.conv2.conv
        return nn.Sequential(
            _conv(_scatter_columns(c1.weight, index, mask), c1.bias), nn.ReLU(inplace=True),
            _conv(_scatter_rows(c2.weight, index, mask), c2.bias[index] * mask), _Gate(mask))

    def forward(self, x: List[Tensor], sizes: Sequence[Size]) -> List[Tensor]:
        mini = sizes[len(x) - 1]
        pooled = [pool_to(s, size, mini) for s, size in zip(x[:-1], sizes)] + [x[-1]]
        logits = self.excite(torch.relu(self.squeeze(torch.cat(pooled, dim=1))))
        weights = torch.split(self.cross_gate(logits), self.channels, dim=1)
        out = []
        for s, w, size, dw, sw in zip(x, weights, sizes, self.depthwise, self.spatial):
            s = dw(upsample_mul(s, w, size, mini))
            out.append(s * sw(F.adaptive_avg_pool2d(s, 1)))
        return out
