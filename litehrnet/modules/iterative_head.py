"""IterativeHead: refines the branches from the lowest resolution up before they leave the
backbone (original code: HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``)."""
from typing import List, Optional, Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from .channel_order import Orders
from .deploy_form import DeployForm
from .layers import DepthwiseSeparable
from .ops import Size, integer_factors


class IterativeHead(nn.Module):
    """From the lowest resolution up: add the bilinearly upsampled previous output, then project
    with a depthwise-separable 3x3 conv to the next higher branch's width (the highest branch
    keeps its width).

    Shapes: list of (N, C_k, H_k, W_k) with C = [c0, c1, c2, c3] -> list of the same resolutions
    with widths [c0, c0, c1, c2]; ``sizes`` the (H_k, W_k) when known in advance.
    """

    def __init__(self, in_channels: Sequence[int], norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        low_to_high = list(in_channels)[::-1]
        out_channels = low_to_high[1:] + low_to_high[-1:]
        self.projects = nn.ModuleList(
            DepthwiseSeparable(c_in, c_out, norm_cfg)
            for c_in, c_out in zip(low_to_high, out_channels))

    def forward(self, x: List[Tensor],
                sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        sizes = sizes[:len(x)] if sizes else [None] * len(x)
        y = []
        last, last_size = None, None
        for s, size, project in zip(x[::-1], sizes[::-1], self.projects):
            if last is not None:
                s = s + _bilinear(last, s, last_size, size)
            last, last_size = project(s), size
            y.append(last)
        return y[::-1]

    def switch_to_deploy(self, form: DeployForm, orders: Orders) -> Orders:
        """Fold the norms. Each projection reads branch k in ``orders[k]`` and writes the order
        of the branch it is added to next (k - 1); the highest one writes logical order.
        Returns the orders of the outputs."""
        out_orders = []
        for k, project in zip(range(len(orders) - 1, -1, -1), self.projects):
            target = orders[k - 1] if k > 0 else None
            project.switch_to_deploy(orders[k], target)
            out_orders.append(target)
        return out_orders[::-1]


def _bilinear(low: Tensor, like: Tensor, low_size: Optional[Size],
              size: Optional[Size]) -> Tensor:
    """``low`` resized bilinearly (corners aligned) to the size of ``like``. With static sizes
    of integer ratio, by constant scales: the same result (aligned corners map by the sizes,
    not the scales), and one ``Resize`` in a traced graph instead of shape arithmetic."""
    factors = None if size is None else integer_factors(low_size, size)
    if factors is None:
        return F.interpolate(low, size=size or like.shape[-2:], mode='bilinear',
                             align_corners=True)
    return F.interpolate(low, scale_factor=tuple(map(float, factors)), mode='bilinear',
                         align_corners=True)
