"""The blocks of Lite-HRNet's branches: the stem, the conditional channel weighting of the Lite
modules (with its cross-resolution and spatial weightings) and the ShuffleNet unit of the Naive
modules. Paper: Yu et al., "Lite-HRNet: A Lightweight High-Resolution Network", CVPR 2021,
section 3; original code: HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``.

Every block takes the spatial sizes of its inputs as an optional argument (see :mod:`.ops`):
None reads them off the tensors.
"""
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .gradient_checkpointing import checkpointed, should_checkpoint
from .layers import ConvModule
from .ops import Size, adaptive_avg_pool, mul_nearest, shuffle_concat, split_halves


class Stem(nn.Module):
    """3x3 s2 conv, then split channels: one half through a depthwise s2 conv and a 1x1 conv, the
    other through expand 1x1, depthwise s2 and linear 1x1 convs; concatenate and shuffle.

    Args:
        in_channels: image channels.
        stem_channels: channels after the first conv.
        out_channels: channels of the output.
        expand_ratio: width of the expanded branch relative to ``stem_channels``.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, ceil(H/4), ceil(W/4)); ``size`` is the
    output's (H, W) when known in advance.
    """

    def __init__(self,
                 in_channels: int,
                 stem_channels: int,
                 out_channels: int,
                 expand_ratio: float,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 with_cp: bool = False) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.with_cp = with_cp
        norm = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)

        self.conv1 = ConvModule(in_channels, stem_channels, 3, stride=2, padding=1, **norm)
        mid_channels = int(round(stem_channels * expand_ratio))
        branch_channels = stem_channels // 2
        if stem_channels == out_channels:
            inc_channels = out_channels - branch_channels
        else:
            inc_channels = out_channels - stem_channels
        self.branch1 = nn.Sequential(
            ConvModule(branch_channels, branch_channels, 3, stride=2, padding=1,
                       groups=branch_channels, act_cfg=None, **norm),
            ConvModule(branch_channels, inc_channels, 1, **norm),
        )
        self.expand_conv = ConvModule(branch_channels, mid_channels, 1, **norm)
        self.depthwise_conv = ConvModule(mid_channels, mid_channels, 3, stride=2, padding=1,
                                         groups=mid_channels, act_cfg=None, **norm)
        linear_out = branch_channels if stem_channels == out_channels else stem_channels
        self.linear_conv = ConvModule(mid_channels, linear_out, 1, **norm)
        # The shuffle-free deploy form reads the concatenation unshuffled (shuffle_order()).
        self.shuffle_output = True

    def shuffle_order(self) -> Tensor:
        """The logical channel of each channel of the unshuffled concatenation (the shuffle
        interleaves the two parts, so that part 1's channel k becomes channel 2k)."""
        half = self.out_channels // 2
        return torch.cat([2 * torch.arange(half), 2 * torch.arange(half) + 1])

    def _forward(self, x: Tensor, size: Optional[Size] = None) -> Tensor:
        x = self.conv1(x)
        x1, x2 = split_halves(x, self.conv1.out_channels // 2)
        x2 = self.linear_conv(self.depthwise_conv(self.expand_conv(x2)))
        if not self.shuffle_output:
            return torch.cat((self.branch1(x1), x2), dim=1)
        return shuffle_concat(self.branch1(x1), x2, size and (self.out_channels, *size))

    def forward(self, x: Tensor, size: Optional[Size] = None) -> Tensor:
        if should_checkpoint(self.with_cp):
            return checkpointed(self, self._forward, x)
        return self._forward(x, size)


class SpatialWeighting(nn.Module):
    """Spatial weighting ("F" in the paper), a squeeze-and-excitation on one branch: global
    average pool, 1x1 conv (with bias, no norm) + ReLU, 1x1 conv + Sigmoid, multiply.

    Args:
        channels: channels of the branch.
        ratio: the hidden layer has ``int(channels / ratio)`` channels.

    Shapes: (N, C, H, W) -> (N, C, H, W).
    """

    def __init__(self, channels: int, ratio: int = 4, conv_cfg: Optional[dict] = None) -> None:
        super().__init__()
        self.global_avgpool = nn.AdaptiveAvgPool2d(1)
        self.conv1 = ConvModule(channels, int(channels / ratio), 1, conv_cfg=conv_cfg)
        self.conv2 = ConvModule(int(channels / ratio), channels, 1, conv_cfg=conv_cfg,
                                act_cfg=dict(type='Sigmoid'))
        self.deploy = False

    def switch_to_deploy(self) -> None:
        """Inference only from now on: the input is weighted in place and, outside tracing,
        the two 1x1 convs run as matrix products on the pooled (N, C) vector (a conv on a 1x1
        map costs far more than its arithmetic). A traced graph keeps global pooling and 1x1
        convs, which onnxruntime runs in its blocked channel layout."""
        self.deploy = True

    def forward(self, x: Tensor) -> Tensor:
        if not self.deploy or torch.jit.is_tracing():
            return x * self.conv2(self.conv1(self.global_avgpool(x)))
        conv1, conv2 = self.conv1.conv, self.conv2.conv
        w = F.linear(x.mean((2, 3)), conv1.weight.flatten(1), conv1.bias).relu_()
        w = torch.sigmoid(F.linear(w, conv2.weight.flatten(1), conv2.bias))
        return x.mul_(w[:, :, None, None])


class CrossResolutionWeighting(nn.Module):
    """Cross-resolution weighting ("H" in the paper): pool every branch to the smallest
    resolution, concatenate, squeeze/excite with two 1x1 convs, and multiply each branch by its
    (nearest-upsampled) slice of the weights.

    Args:
        channels: channels of each branch, highest resolution first; their sum is T.
        ratio: reduction of the hidden layer, which has ``int(T / ratio)`` channels.

    Shapes: list of (N, C_k, H_k, W_k) -> list of the same shapes; ``sizes`` the (H_k, W_k)
    when known in advance.
    """

    def __init__(self,
                 channels: Sequence[int],
                 ratio: int = 16,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        self.channels = list(channels)
        total = sum(self.channels)
        norm = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.conv1 = ConvModule(total, int(total / ratio), 1, **norm)
        self.conv2 = ConvModule(int(total / ratio), total, 1, act_cfg=dict(type='Sigmoid'), **norm)

    def forward(self, x: List[Tensor],
                sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        sizes = sizes or [None] * len(x)
        mini = sizes[-1] or x[-1].shape[-2:]
        pooled = [adaptive_avg_pool(s, mini, size) for s, size in zip(x[:-1], sizes)]
        weights = self.conv2(self.conv1(torch.cat(pooled + [x[-1]], dim=1)))
        weights = torch.split(weights, self.channels, dim=1)
        return [mul_nearest(s, w, sizes[-1], size) for s, w, size in zip(x, weights, sizes)]


class ConditionalChannelWeighting(nn.Module):
    """The Lite-HRNet block that replaces ShuffleNet's 1x1 convs: split every branch in two
    halves; weight the second half across resolutions, run a 3x3 depthwise conv and a
    per-branch spatial weighting on it; concatenate and shuffle.

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
        branch_channels = [c // 2 for c in in_channels]
        self.cross_resolution_weighting = CrossResolutionWeighting(
            branch_channels, ratio=reduce_ratio, conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.depthwise_convs = nn.ModuleList(
            ConvModule(c, c, 3, stride=stride, padding=1, groups=c, conv_cfg=conv_cfg,
                       norm_cfg=norm_cfg, act_cfg=None) for c in branch_channels)
        self.spatial_weighting = nn.ModuleList(
            SpatialWeighting(channels=c, ratio=4) for c in branch_channels)

    def _forward(self, *x: Tensor, sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        channels = self.cross_resolution_weighting.channels
        halves = [split_halves(s, c) for s, c in zip(x, channels)]
        weighted = self.cross_resolution_weighting([h[1] for h in halves], sizes)
        sizes = sizes or [None] * len(x)
        return [shuffle_concat(kept, sw(dw(s)), size and (2 * c, *size))
                for (kept, _), s, dw, sw, c, size in zip(
                    halves, weighted, self.depthwise_convs, self.spatial_weighting, channels,
                    sizes)]

    def forward(self, x: List[Tensor],
                sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        if should_checkpoint(self.with_cp):
            return list(checkpointed(self, self._forward, *x))
        return self._forward(*x, sizes=sizes)


class ShuffleUnit(nn.Module):
    """ShuffleNet-v2 unit with stride 1, the block of the Naive Lite-HRNet: keep half of the
    channels; run the other half through 1x1, 3x3 depthwise, 1x1 convs; concatenate and
    shuffle. Only stride 1 is built: no published config uses the strided unit.

    Shapes: (N, C, H, W) -> (N, C, H, W); ``size`` = (H, W) when known in advance.
    """

    def __init__(self,
                 channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 with_cp: bool = False) -> None:
        super().__init__()
        self.with_cp = with_cp
        self.channels = channels
        c = channels // 2
        norm = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.branch2 = nn.Sequential(
            ConvModule(c, c, 1, **norm),
            ConvModule(c, c, 3, padding=1, groups=c, act_cfg=None, **norm),
            ConvModule(c, c, 1, **norm),
        )

    def _forward(self, x: Tensor, size: Optional[Size] = None) -> Tensor:
        x1, x2 = split_halves(x, self.channels // 2)
        return shuffle_concat(x1, self.branch2(x2), size and (self.channels, *size))

    def forward(self, x: Tensor, size: Optional[Size] = None) -> Tensor:
        if should_checkpoint(self.with_cp):
            return checkpointed(self, self._forward, x)
        return self._forward(x, size)
