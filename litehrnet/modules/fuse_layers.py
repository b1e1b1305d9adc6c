"""The fuse layers through which Lite-HRNet's branches exchange information (original code:
HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``, ``LiteHRModule._make_fuse_layers``)."""
from typing import List, Optional, Sequence

import torch
from mmcv.cnn import build_conv_layer, build_norm_layer, fuse_conv_bn
from torch import Tensor, nn

from .channel_order import Order, permuted_conv
from .layers import DepthwisePointwise
from .ops import Size, add_nearest_


class NearestUpsampleAdd(nn.Module):
    """``into += nearest_upsample(x, into.shape[-2:])`` in place (see :func:`.ops.add_nearest_`).

    The original upsampled with ``nn.Upsample(scale_factor=2**k)`` and then added; resizing to
    the target branch's size is identical when the sizes divide and exact when they do not (the
    original missed by a pixel when an input side was not a multiple of 32), and adding in the
    same call avoids materialising the upsampled map. It stays a leaf module whose output has
    the upsampled shape, so that per-module FLOP counters see it where they saw ``nn.Upsample``.

    Shapes: x (N, C, h, w), into (N, C, H, W) -> (N, C, H, W); ``low_size`` = (h, w) and
    ``size`` = (H, W) when known in advance.
    """

    def forward(self, x: Tensor, into: Tensor, low_size: Optional[Size] = None,
                size: Optional[Size] = None) -> Tensor:
        return add_nearest_(into, x, low_size, size)


class UpsampleFuse(nn.Sequential):
    """1x1 conv and norm from a lower-resolution branch, nearest-upsampled and added in place.

    Shapes: x (N, in_channels, h, w), into (N, out_channels, H, W) -> (N, out_channels, H, W).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__(
            build_conv_layer(conv_cfg, in_channels, out_channels, kernel_size=1, bias=False),
            build_norm_layer(norm_cfg, out_channels)[1],
            NearestUpsampleAdd(),
        )

    def forward(self, x: Tensor, into: Tensor, low_size: Optional[Size] = None,  # type: ignore[override]
                size: Optional[Size] = None) -> Tensor:
        return self[2](self[1](self[0](x)), into, low_size, size)

    @torch.no_grad()
    def switch_to_deploy(self, in_order: Order = None, out_order: Order = None) -> None:
        """Fold the norm (its position becomes ``nn.Identity``); read ``in_order``, write
        ``out_order``."""
        fuse_conv_bn(self)
        if in_order is not None or out_order is not None:
            self[0] = permuted_conv(self[0], in_order, out_order)


class DownsampleFuse(nn.Sequential):
    """``num_steps`` stride-2 depthwise/pointwise steps from a higher-resolution branch; only the
    last changes the width, and it has no ReLU (the sum of all inputs is activated instead).

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H / 2**num_steps, W / 2**num_steps),
    rounding up at every step.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_steps: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN')) -> None:
        steps = [DepthwisePointwise(in_channels, in_channels, 2, True, conv_cfg, norm_cfg)
                 for _ in range(num_steps - 1)]
        steps.append(DepthwisePointwise(in_channels, out_channels, 2, False, conv_cfg, norm_cfg))
        super().__init__(*steps)

    def switch_to_deploy(self, in_order: Order = None, out_order: Order = None) -> None:
        """Fold the norms; the first step reads ``in_order``, the last writes ``out_order``."""
        for k, step in enumerate(self):
            step.switch_to_deploy(in_order if k == 0 else None,
                                  out_order if k == len(self) - 1 else None)


def build_fuse_layers(channels: Sequence[int],
                      num_out_branches: int,
                      conv_cfg: Optional[dict] = None,
                      norm_cfg: dict = dict(type='BN')) -> nn.ModuleList:
    """``fuse_layers[i][j]`` maps branch j to branch i's width and resolution; ``None`` for i == j.

    The nesting (ModuleList of ModuleLists with ``None`` holes) is what the released checkpoints'
    keys ``fuse_layers.{i}.{j}...`` index.
    """
    fuse_layers = []
    for i in range(num_out_branches):
        row: List[Optional[nn.Module]] = []
        for j, c in enumerate(channels):
            if j > i:
                row.append(UpsampleFuse(c, channels[i], conv_cfg, norm_cfg))
            elif j == i:
                row.append(None)
            else:
                row.append(DownsampleFuse(c, channels[i], i - j, conv_cfg, norm_cfg))
        fuse_layers.append(nn.ModuleList(row))
    return nn.ModuleList(fuse_layers)
