"""The depthwise 3x3 + pointwise 1x1 unit that Lite-HRNet uses in transitions and fuse layers."""
from typing import Optional

from mmcv.cnn import build_conv_layer, build_norm_layer
from torch import nn


def depthwise_pointwise(in_channels: int,
                        out_channels: int,
                        stride: int,
                        with_relu: bool,
                        conv_cfg: Optional[dict] = None,
                        norm_cfg: dict = dict(type='BN')) -> nn.Sequential:
    """3x3 depthwise conv, norm, 1x1 conv, norm, and optionally ReLU, as a plain Sequential.

    A plain Sequential (not ConvModules) because the released checkpoints index these layers by
    position: ``.0.weight`` (depthwise), ``.1.*`` (norm), ``.2.weight`` (pointwise), ``.3.*``.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, ceil(H/stride), ceil(W/stride)).
    """
    layers = [
        build_conv_layer(conv_cfg, in_channels, in_channels, kernel_size=3, stride=stride,
                         padding=1, groups=in_channels, bias=False),
        build_norm_layer(norm_cfg, in_channels)[1],
        build_conv_layer(conv_cfg, in_channels, out_channels, kernel_size=1, bias=False),
        build_norm_layer(norm_cfg, out_channels)[1],
    ]
    if with_relu:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)
