"""Cross-resolution weighting, "H" in Lite-HRNet's conditional channel weighting (paper
section 3.2; original code: HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``,
``CrossResolutionWeighting``)."""
from typing import List, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from .channel_order import conv_from, extended_columns, extended_rows, pass_gate_bias
from .layers import ConvModule
from .ops import Size, adaptive_avg_pool, mul_nearest


class CrossResolutionWeighting(nn.Module):
    """Pool every branch to the smallest resolution, concatenate, squeeze/excite with two 1x1
    convs, and multiply each branch by its (nearest-upsampled) slice of the weights.

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

    @torch.no_grad()
    def switch_to_deploy(self, transformed: Optional[List[Tuple[Tensor, Tensor]]] = None) -> None:
        """Fold the norms. ``transformed`` = a (mask, index) per branch extends the weighting
        to all physical channels of each branch, those outside ``mask`` getting a weight of
        exactly 1 (see :func:`.channel_order.transformed_channels`)."""
        self.conv1.switch_to_deploy()
        self.conv2.switch_to_deploy()
        if transformed is None:
            return
        offsets = [sum(self.channels[:k]) for k in range(len(self.channels))]
        columns = torch.cat([index + offset for (_, index), offset in zip(transformed, offsets)])
        mask = torch.cat([m for m, _ in transformed])
        c1, c2 = self.conv1.conv, self.conv2.conv
        self.conv1.conv = conv_from(extended_columns(c1.weight, columns, mask), c1.bias, c1)
        self.conv2.conv = conv_from(extended_rows(c2.weight, columns, mask),
                                    pass_gate_bias(c2.bias, columns, mask), c2)
        self.channels = [len(m) for m, _ in transformed]
