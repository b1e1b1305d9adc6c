"""Block-level forwards of the fused path that keep channels in logical order: the conditional
channel weighting with its split and shuffle (when not run shuffle-free) and the Naive
Lite-HRNet's ShuffleNet units. Both take (inputs, branch sizes) like
:class:`ShuffleFreeChannelWeighting`."""
from typing import List, Sequence

import torch
from torch import Tensor, nn

from ..modules import ConditionalChannelWeighting
from .static_ops import (Size, pool_to, shuffle_concat, spatial_weighting_, split_halves,
                         upsample_mul)


class SplitShuffleChannelWeighting(nn.Module):
    """A folded :class:`ConditionalChannelWeighting` with static sizes: splits are views, the
    shuffle of the concatenation one copy, the spatial weighting in place.

    Shapes: list of (N, C_k, H_k, W_k) -> list of the same shapes.
    """

    def __init__(self, block: ConditionalChannelWeighting) -> None:
        super().__init__()
        self.block = block

    def forward(self, x: List[Tensor], sizes: Sequence[Size]) -> List[Tensor]:
        crw = self.block.cross_resolution_weighting
        halves = [split_halves(s, c) for s, c in zip(x, crw.channels)]
        mini = sizes[len(x) - 1]
        pooled = [pool_to(h[1], size, mini) for h, size in zip(halves[:-1], sizes)]
        weights = crw.conv2(crw.conv1(torch.cat(pooled + [halves[-1][1]], dim=1)))
        weights = torch.split(weights, crw.channels, dim=1)
        out = []
        for (kept, s), w, c, size, dw, sw in zip(halves, weights, crw.channels, sizes,
                                                 self.block.depthwise_convs,
                                                 self.block.spatial_weighting):
            s = spatial_weighting_(sw, dw(upsample_mul(s, w, size, mini)))
            out.append(shuffle_concat(kept, s, c, size))
        return out


class ShuffleUnitBranches(nn.Module):
    """The per-branch ShuffleNet units of a Naive module (one unit of each branch per block),
    with static sizes.

    Shapes: list of (N, C_k, H_k, W_k) -> list of the same shapes.
    """

    def __init__(self, units: Sequence[nn.Module]) -> None:
        super().__init__()
        self.units = nn.ModuleList(units)

    def forward(self, x: List[Tensor], sizes: Sequence[Size]) -> List[Tensor]:
        out = []
        for unit, s, size in zip(self.units, x, sizes):
            channels = unit.branch2[0].in_channels
            kept, s = split_halves(s, channels)
            out.append(shuffle_concat(kept, unit.branch2(s), channels, size))
        return out
