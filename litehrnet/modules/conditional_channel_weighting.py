"""Conditional channel weighting, the block of Lite-HRNet's Lite modules (paper section 3.2;
original code: HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``,
``ConditionalChannelWeighting``)."""
from typing import List, Optional, Sequence

import torch
from torch import Tensor, nn

from .channel_order import (Orders, conv_from, full_order, shuffled_order,
                            transformed_channels)
from .cross_resolution_weighting import CrossResolutionWeighting
from .deploy_form import DeployForm
from .gradient_checkpointing import checkpointed, should_checkpoint
from .layers import ConvModule
from .ops import Size, shuffle_concat, split_halves
from .spatial_weighting import SpatialWeighting


class ConditionalChannelWeighting(nn.Module):
    """The block that replaces ShuffleNet's 1x1 convs: split every branch in two halves; weight
    the second half across resolutions, run a 3x3 depthwise conv and a per-branch spatial
    weighting on it; concatenate and shuffle.

    In the shuffle-free deploy form (:class:`.deploy_form.DeployForm`) the block runs on all
    channels of every branch instead: every transform of the second half acts on each channel
    separately (but the weightings' squeeze-excite convs, which read pooled vectors), so the
    kept half can pass through them unchanged (a gate of exactly 1, an identity depthwise
    filter), and the split, the concatenation and the shuffle disappear: the shuffle becomes a
    relabelling of the channels, absorbed by the layers that read them.

    Args:
        in_channels: channels of each branch, highest resolution first.
        stride: stride of the depthwise convs (1 in every published config).
        reduce_ratio: reduction of the cross-resolution weighting.
        with_cp: gradient checkpointing.

    Shapes: list of (N, C_k, H_k, W_k) -> list of the same shapes (stride 1); ``sizes`` the
    (H_k, W_k) when known in advance.
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
        self.halves = [c // 2 for c in in_channels]
        self.cross_resolution_weighting = CrossResolutionWeighting(
            self.halves, ratio=reduce_ratio, conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.depthwise_convs = nn.ModuleList(
            ConvModule(c, c, 3, stride=stride, padding=1, groups=c, conv_cfg=conv_cfg,
                       norm_cfg=norm_cfg, act_cfg=None) for c in self.halves)
        self.spatial_weighting = nn.ModuleList(
            SpatialWeighting(channels=c, ratio=4) for c in self.halves)
        self.whole_channels = False  # True in the shuffle-free form

    def _transform(self, x: List[Tensor], sizes: Optional[Sequence[Size]]) -> List[Tensor]:
        weighted = self.cross_resolution_weighting(x, sizes)
        return [sw(dw(s)) for s, dw, sw in
                zip(weighted, self.depthwise_convs, self.spatial_weighting)]

    def _forward(self, *x: Tensor, sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        if self.whole_channels:
            return self._transform(list(x), sizes)
        halves = [split_halves(s, c) for s, c in zip(x, self.halves)]
        transformed = self._transform([h[1] for h in halves], sizes)
        sizes = sizes or [None] * len(x)
        return [shuffle_concat(kept, s, size and (2 * c, *size))
                for (kept, _), s, c, size in zip(halves, transformed, self.halves, sizes)]

    def forward(self, x: List[Tensor],
                sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        if should_checkpoint(self.with_cp):
            return list(checkpointed(self, self._forward, *x))
        return self._forward(*x, sizes=sizes)

    @torch.no_grad()
    def switch_to_deploy(self, form: DeployForm, orders: Orders) -> Orders:
        """Fold the norms; in the shuffle-free form run on all channels of branches stored in
        ``orders`` and return the order after the (now implicit) shuffle."""
        self.with_cp = False
        for dw in self.depthwise_convs:
            dw.switch_to_deploy()
        if not form.shuffle_free:
            self.cross_resolution_weighting.switch_to_deploy()
            for sw in self.spatial_weighting:
                sw.switch_to_deploy()
            return orders
        orders = [full_order(o, 2 * h) for o, h in zip(orders, self.halves)]
        transformed = [transformed_channels(o, h) for o, h in zip(orders, self.halves)]
        self.cross_resolution_weighting.switch_to_deploy(transformed)
        for k, (mask, index) in enumerate(transformed):
            self.depthwise_convs[k].conv = _identity_extended(self.depthwise_convs[k].conv,
                                                              mask, index)
            self.spatial_weighting[k].switch_to_deploy((mask, index))
        self.whole_channels = True
        return [shuffled_order(o, mask, index) for o, (mask, index) in zip(orders, transformed)]


def _identity_extended(conv: nn.Conv2d, mask: Tensor, index: Tensor) -> nn.Conv2d:
    """A folded depthwise conv over all physical channels: channel ``index[p]``'s filter where
    ``mask``, an identity filter (and no bias) elsewhere."""
    identity = torch.zeros_like(conv.weight[:1])
    identity[..., conv.kernel_size[0] // 2, conv.kernel_size[1] // 2] = 1
    weight = torch.where(mask.view(-1, 1, 1, 1), conv.weight[index], identity)
    return conv_from(weight, conv.bias[index] * mask, conv, groups=len(mask))
