"""Conditional channel weighting: the Lite-HRNet block that replaces ShuffleNet's 1x1 convs."""
from typing import List, Optional, Sequence

from torch import Tensor, nn

from .channel_shuffle import shuffle_concat
from .checkpoint import checkpointed, should_checkpoint
from .conv_module import ConvModule
from .cross_resolution_weighting import CrossResolutionWeighting
from .spatial_weighting import SpatialWeighting


class ConditionalChannelWeighting(nn.Module):
    """Split every branch in two halves; weight the second half across resolutions, run a 3x3
    depthwise conv and a per-branch spatial weighting on it; concatenate and shuffle.

    Args:
        in_channels: channels of each branch, highest resolution first.
        stride: stride of the depthwise convs (1 in every published config).
        reduce_ratio: reduction of the cross-resolution weighting.
        with_cp: gradient checkpointing.

    Shapes: list of (N, C_k, H_k, W_k) -> list of the same shapes (stride 1).
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 stride: int,
                 reduce_ratio: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 with_cp: bool = False) -> None:
        super().__init__()
        self.with_cp = with_cp
        branch_channels = [c // 2 for c in in_channels]
        self.cross_resolution_weighting = CrossResolutionWeighting(
            branch_channels, ratio=reduce_ratio, conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.depthwise_convs = nn.ModuleList(
            ConvModule(c, c, 3, stride=stride, padding=1, groups=c, conv_cfg=conv_cfg,
                       norm_cfg=norm_cfg, act_cfg=None) for c in branch_channels)
        self.spatial_weighting = nn.ModuleList(
            SpatialWeighting(channels=c, ratio=4) for c in branch_channels)

    def _forward(self, *x: Tensor) -> List[Tensor]:
        halves = [s.chunk(2, dim=1) for s in x]
        weighted = self.cross_resolution_weighting([h[1] for h in halves])
        return [shuffle_concat(kept, sw(dw(s))) for (kept, _), s, dw, sw in zip(
            halves, weighted, self.depthwise_convs, self.spatial_weighting)]

    def forward(self, x: List[Tensor]) -> List[Tensor]:
        if should_checkpoint(self.with_cp):
            return list(checkpointed(self, self._forward, *x))
        return self._forward(*x)
