"""The shuffle-free deploy form of a Lite-HRNet: Lite blocks without channel splits,
concatenations or shuffles.

A conditional channel weighting keeps one half of every branch's channels and transforms the
other (cross-resolution weighting, 3x3 depthwise conv, spatial weighting), then interleaves the
halves. Every one of those transforms acts on each channel separately, except the squeeze-excite
1x1 convs, which read and write pooled vectors. So the block can run on all channels in place,
the kept channels passing through unchanged (gate exactly 1, identity depthwise filter), and
the shuffle becomes a relabelling of the channels instead of a copy: physical channel ``p``
holds logical channel ``order[p]`` (:mod:`.channel_order`). Every layer that reads a branch
(the next blocks, the fuse layers, the transitions, the IterativeHead) gets its weights
re-indexed to that order, outputs that leave the backbone in another order are put back in
logical order, and branches can carry zero padding channels up to a multiple of a SIMD width.

It trades copies for arithmetic (the per-channel transforms run on twice the channels):
measured on the exported graph, OpenVINO runs it about twice as fast as the split-and-shuffle
graph, and onnxruntime faster when the branches are padded to its blocked layout's width
(docs/benchmarks.md). It needs Lite stages only (the Naive ShuffleNet units mix channels
through dense 1x1 convs on one half).
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..backbone import LiteHRNet
from ..modules import (ConditionalChannelWeighting, DepthwisePointwise, IterativeHead,
                       LiteHRModule, SpatialWeighting)
from ..modules.ops import Size, adaptive_avg_pool, mul_nearest
from .channel_order import (Order, conv_from, full_order, padded_order, permuted_conv,
                            reorder_chain_, reorder_conv_module_, reorder_unit_,
                            restoring_index)


def _processed(order: Tensor, half: int) -> Tuple[Tensor, Tensor]:
    """(mask of the transformed channels, their index within the transformed half); kept and
    padding channels (-1) pass through."""
    return order >= half, (order - half).clamp(min=0)


def _shuffled(order: Tensor, mask: Tensor, index: Tensor) -> Tensor:
    """The order after the shuffle: kept channel k becomes 2k, transformed channel q 2q + 1."""
    return torch.where(mask, 2 * index + 1, torch.where(order >= 0, 2 * order, order))


def _columns(weight: Tensor, columns: Tensor, mask: Tensor) -> Tensor:
    """(out, half, 1, 1) -> (out, C, 1, 1): physical column p reads ``columns[p]``, or 0."""
    return weight[:, columns] * mask.view(1, -1, 1, 1)


def _rows(weight: Tensor, rows: Tensor, mask: Tensor) -> Tensor:
    return weight[rows] * mask.view(-1, *([1] * (weight.dim() - 1)))


# A logit whose sigmoid is exactly 1.0 in float32 (1 - 9e-14 rounds to 1): the gate of a
# channel that passes through, from a zero weight row and this bias, so that the gate stays one
# plain Sigmoid instead of a sigmoid blended with a constant.
PASS_LOGIT = 30.


def _gate_bias(bias: Tensor, rows: Tensor, mask: Tensor) -> Tensor:
    return torch.where(mask, bias[rows], torch.full_like(bias[rows], PASS_LOGIT))


class ShuffleFreeChannelWeighting(nn.Module):
    """A folded :class:`ConditionalChannelWeighting` running on branches stored in ``orders``.

    Args:
        block: the folded block (its norms already in its convs).
        orders: the channel order of each input branch (None: logical order).

    ``out_orders`` gives the channel order of each output branch. Shapes: list of
    (N, C_k, H_k, W_k) -> list of the same shapes; ``sizes`` the (H_k, W_k) when known.
    """

    def __init__(self, block: ConditionalChannelWeighting, orders: Sequence[Order]) -> None:
        super().__init__()
        crw = block.cross_resolution_weighting
        halves = crw.channels
        orders = [full_order(o, 2 * h) for o, h in zip(orders, halves)]
        processed = [_processed(o, h) for o, h in zip(orders, halves)]
        self.channels = [len(o) for o in orders]
        self._cross_resolution(crw.conv1.conv, crw.conv2.conv, halves, processed)
        self.depthwise = nn.ModuleList(
            self._identity_extended(dw.conv, mask, index)
            for dw, (mask, index) in zip(block.depthwise_convs, processed))
        self.spatial = nn.ModuleList(
            self._spatial(sw, mask, index)
            for sw, (mask, index) in zip(block.spatial_weighting, processed))
        self.out_orders = [_shuffled(o, mask, index) for o, (mask, index) in zip(orders, processed)]

    def _cross_resolution(self, conv1: nn.Conv2d, conv2: nn.Conv2d, halves: List[int],
                          processed: List[Tuple[Tensor, Tensor]]) -> None:
        offsets = [sum(halves[:k]) for k in range(len(halves))]
        columns = torch.cat([index + off for (_, index), off in zip(processed, offsets)])
        mask = torch.cat([m for m, _ in processed])
        self.squeeze = conv_from(_columns(conv1.weight, columns, mask), conv1.bias, conv1)
        self.excite = conv_from(_rows(conv2.weight, columns, mask),
                                _gate_bias(conv2.bias, columns, mask), conv2)

    @staticmethod
    def _identity_extended(conv: nn.Conv2d, mask: Tensor, index: Tensor) -> nn.Conv2d:
        identity = torch.zeros_like(conv.weight[:1])
        identity[..., conv.kernel_size[0] // 2, conv.kernel_size[1] // 2] = 1
        weight = torch.where(mask.view(-1, 1, 1, 1), conv.weight[index], identity)
        return conv_from(weight, conv.bias[index] * mask, conv, groups=len(mask))

    @staticmethod
    def _spatial(sw: SpatialWeighting, mask: Tensor, index: Tensor) -> nn.Sequential:
        c1, c2 = sw.conv1.conv, sw.conv2.conv
        return nn.Sequential(
            conv_from(_columns(c1.weight, index, mask), c1.bias, c1), nn.ReLU(inplace=True),
            conv_from(_rows(c2.weight, index, mask), _gate_bias(c2.bias, index, mask), c2),
            nn.Sigmoid())

    def forward(self, x: List[Tensor],
                sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        sizes = sizes or [None] * len(x)
        mini = sizes[-1] or x[-1].shape[-2:]
        pooled = [adaptive_avg_pool(s, mini, size) for s, size in zip(x[:-1], sizes)]
        logits = self.excite(torch.relu(self.squeeze(torch.cat(pooled + [x[-1]], dim=1))))
        weights = torch.split(torch.sigmoid(logits), self.channels, dim=1)
        out = []
        for s, w, size, dw, sw in zip(x, weights, sizes, self.depthwise, self.spatial):
            s = dw(mul_nearest(s, w, sizes[-1], size))
            out.append(s * sw(F.adaptive_avg_pool2d(s, 1)))
        return out


def _reorder_transition_(transition: nn.ModuleList, orders: List[Order],
                         multiple: int) -> List[Order]:
    """Transition layers read their source branch's order; a new or widened branch is written
    in logical order, padded to ``multiple`` channels."""
    out_orders = []
    for j, layer in enumerate(transition):
        source = orders[min(j, len(orders) - 1)]
        if layer is None:
            out_orders.append(source)
            continue
        if isinstance(layer, DepthwisePointwise):  # a branch whose width changes
            target = padded_order(layer.pointwise.out_channels, multiple)
            reorder_unit_(layer, source, target)
        else:  # a new branch: a chain of units
            target = padded_order(layer[-1].pointwise.out_channels, multiple)
            reorder_chain_(layer, source, target)
        out_orders.append(target)
    return out_orders


def _reorder_module_(module: LiteHRModule, orders: List[Order]) -> List[Order]:
    """Shuffle-free blocks, then fuse layers whose path from branch j to branch i reads
    ``orders[j]`` and writes ``orders[i]``, so that branch i itself is added as it is."""
    for k, block in enumerate(module.layers):
        module.layers[k] = ShuffleFreeChannelWeighting(block, orders)
        orders = module.layers[k].out_orders
    if module.fuse_layers is None:
        return orders if module.multiscale_output else orders[:1]
    for i, row in enumerate(module.fuse_layers):
        for j, layer in enumerate(row):
            if layer is None:
                continue
            if j > i:
                layer.set_conv(permuted_conv(layer.conv, orders[j], orders[i]))
            else:
                reorder_chain_(layer, orders[j], orders[i])
    return orders[:len(module.fuse_layers)]


def _reorder_head_(head: IterativeHead, orders: List[Order]) -> List[Order]:
    """Each projection reads branch k in ``orders[k]`` and writes the order of the branch it is
    added to next (k - 1); the highest one writes logical order."""
    out_orders = []
    for k, project in zip(range(len(orders) - 1, -1, -1), head.projects):
        target = orders[k - 1] if k > 0 else None
        reorder_conv_module_(project.depthwise_conv, orders[k])
        reorder_conv_module_(project.pointwise_conv, orders[k], target)
        out_orders.append(target)
    return out_orders[::-1]


def is_lite(backbone: LiteHRNet) -> bool:
    """Whether every stage of ``backbone`` is made of Lite modules (the shuffle-free form's
    condition)."""
    return all(t.upper() == 'LITE' for t in backbone.stages_spec['module_type'])


@torch.no_grad()
def make_shuffle_free_(backbone: LiteHRNet, channel_multiple: int = 1) -> None:
    """Convert a folded (deploy-mode) Lite-HRNet to the shuffle-free form, in place.

    Args:
        backbone: a LiteHRNet whose BatchNorms are folded (:meth:`LiteHRNet.switch_to_deploy`),
            with Lite stages only.
        channel_multiple: store every branch with zero channels appended up to a multiple of
            this (16 lets onnxruntime keep the whole graph in its AVX-512 blocked layout, 8 in
            its AVX2 one; 1 pads nothing).
    """
    if not is_lite(backbone):
        raise ValueError('the shuffle-free form needs Lite stages only, got module types '
                         f"{backbone.stages_spec['module_type']}")
    backbone.stem.shuffle_output = False
    orders: List[Order] = [backbone.stem.shuffle_order()]
    for i in range(backbone.num_stages):
        orders = _reorder_transition_(getattr(backbone, f'transition{i}'), orders,
                                      channel_multiple)
        for module in getattr(backbone, f'stage{i}'):
            orders = _reorder_module_(module, orders)
    if backbone.with_head:
        orders = _reorder_head_(backbone.head_layer, orders)
    backbone.restore_channel_order({
        k: restoring_index(orders[k], backbone.out_channels_all[k])
        for k in backbone.out_indices if orders[k] is not None})
