"""Spatial weighting ("F" in the paper): squeeze-and-excitation on one branch."""
from typing import Optional

from torch import Tensor, nn

from .conv_module import ConvModule


class SpatialWeighting(nn.Module):
    """Global average pool, 1x1 conv (with bias, no norm) + ReLU, 1x1 conv + Sigmoid, multiply.

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

    def forward(self, x: Tensor) -> Tensor:
        return x * self.conv2(self.conv1(self.global_avgpool(x)))
