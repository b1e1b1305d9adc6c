"""IterativeHead: refines the branches from the lowest resolution up before they leave."""
from typing import List, Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from .conv_module import ConvModule


class DepthwiseSeparable(nn.Module):
    """3x3 depthwise conv + norm, then 1x1 conv + norm + ReLU: mmcv's
    ``DepthwiseSeparableConvModule`` (same ``depthwise_conv``/``pointwise_conv`` keys) built from
    the direct-forward :class:`ConvModule`.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H, W).
    """

    def __init__(self, in_channels: int, out_channels: int, norm_cfg: dict) -> None:
        super().__init__()
        self.depthwise_conv = ConvModule(in_channels, in_channels, 3, padding=1,
                                         groups=in_channels, norm_cfg=norm_cfg, act_cfg=None)
        self.pointwise_conv = ConvModule(in_channels, out_channels, 1, norm_cfg=norm_cfg)

    def forward(self, x: Tensor) -> Tensor:
        return self.pointwise_conv(self.depthwise_conv(x))


class IterativeHead(nn.Module):
    """From the lowest resolution up: add the bilinearly upsampled previous output, then project
    with a depthwise-separable 3x3 conv to the next higher branch's width (the highest branch
    keeps its width).

    Shapes: list of (N, C_k, H_k, W_k) with C = [c0, c1, c2, c3] -> list of the same resolutions
    with widths [c0, c0, c1, c2].
    """

    def __init__(self, in_channels: Sequence[int], norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        low_to_high = list(in_channels)[::-1]
        out_channels = low_to_high[1:] + low_to_high[-1:]
        self.projects = nn.ModuleList(
            DepthwiseSeparable(c_in, c_out, norm_cfg)
            for c_in, c_out in zip(low_to_high, out_channels))

    def forward(self, x: List[Tensor]) -> List[Tensor]:
        y = []
        last = None
        for s, project in zip(x[::-1], self.projects):
            if last is not None:
                s = s + F.interpolate(last, size=s.shape[-2:], mode='bilinear',
                                      align_corners=True)
            last = project(s)
            y.append(last)
        return y[::-1]
