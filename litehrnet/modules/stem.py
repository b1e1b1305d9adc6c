"""The stem of Lite-HRNet (paper section 3; original code: HRNet/Lite-HRNet,
``models/backbones/litehrnet.py``, ``Stem``)."""
from typing import Optional

import torch
from torch import Tensor, nn

from .channel_order import Orders
from .deploy_form import DeployForm
from .gradient_checkpointing import checkpointed, should_checkpoint
from .layers import ConvModule
from .ops import Size, shuffle_concat, split_halves


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
        # False in the shuffle-free form: the concatenation is written as it is, and the
        # layers reading it re-index their weights (shuffle_order()).
        self.shuffle_output = True

    def shuffle_order(self) -> torch.Tensor:
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

    def switch_to_deploy(self, form: DeployForm) -> Orders:
        """Fold the norms; in the shuffle-free form write the concatenation unshuffled.
        Returns the order of the output (see :mod:`.deploy_form`)."""
        for conv in (self.conv1, *self.branch1, self.expand_conv, self.depthwise_conv,
                     self.linear_conv):
            conv.switch_to_deploy()
        self.with_cp = False
        self.shuffle_output = not form.shuffle_free
        return [None if self.shuffle_output else self.shuffle_order()]
