"""Cross-resolution weighting ("H" in the paper): channel weights computed from all branches."""
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .conv_module import ConvModule
from .nearest_broadcast import mul_nearest


class CrossResolutionWeighting(nn.Module):
    """Pool every branch to the smallest resolution, concatenate, squeeze/excite with two 1x1
    convs, and multiply each branch by its (nearest-upsampled) slice of the weights.

    Args:
        channels: channels of each branch, highest resolution first; their sum is T.
        ratio: reduction of the hidden layer, which has ``int(T / ratio)`` channels.

    Shapes: list of (N, C_k, H_k, W_k) -> list of the same shapes.
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

    def forward(self, x: List[Tensor]) -> List[Tensor]:
        mini_size = x[-1].shape[-2:]
        pooled = [F.adaptive_avg_pool2d(s, mini_size) for s in x[:-1]] + [x[-1]]
        weights = self.conv2(self.conv1(torch.cat(pooled, dim=1)))
        weights = torch.split(weights, self.channels, dim=1)
        return [mul_nearest(s, w) for s, w in zip(x, weights)]
