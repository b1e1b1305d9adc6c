"""Spatial weighting, "F" in Lite-HRNet's conditional channel weighting (paper section 3.2;
original code: HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``, ``SpatialWeighting``)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .channel_order import conv_from, extended_columns, extended_rows, pass_gate_bias
from .layers import ConvModule


class SpatialWeighting(nn.Module):
    """A squeeze-and-excitation on one branch: global average pool, 1x1 conv (with bias, no
    norm) + ReLU, 1x1 conv + Sigmoid, multiply.

    In deploy mode the input is weighted in place and, outside tracing, the two 1x1 convs run
    as matrix products on the pooled (N, C) vector (a conv on a 1x1 map costs far more than
    its arithmetic in eager PyTorch); a traced graph keeps global pooling and 1x1 convs, which
    onnxruntime runs in its blocked channel layout.

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

    def forward(self, x: Tensor) -> Tensor:
        if not self.deploy or torch.jit.is_tracing():
            return x * self.conv2(self.conv1(self.global_avgpool(x)))
        conv1, conv2 = self.conv1.conv, self.conv2.conv
        w = F.linear(x.mean((2, 3)), conv1.weight.flatten(1), conv1.bias).relu_()
        w = torch.sigmoid(F.linear(w, conv2.weight.flatten(1), conv2.bias))
        return x.mul_(w[:, :, None, None])

    @torch.no_grad()
    def switch_to_deploy(self, transformed: Optional[Tuple[Tensor, Tensor]] = None) -> None:
        """Inference only from now on. ``transformed`` = (mask, index) extends the weighting
        from the channels it was trained on to all physical channels of a branch, of which
        ``mask`` marks those holding its channel ``index``; the others get a gate of exactly 1
        (see :func:`.channel_order.transformed_channels`)."""
        self.deploy = True
        if transformed is None:
            return
        mask, index = transformed
        c1, c2 = self.conv1.conv, self.conv2.conv
        self.conv1.conv = conv_from(extended_columns(c1.weight, index, mask), c1.bias, c1)
        self.conv2.conv = conv_from(extended_rows(c2.weight, index, mask),
                                    pass_gate_bias(c2.bias, index, mask), c2)
