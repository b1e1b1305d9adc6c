"""The ShuffleNet-v2 unit, the block of Lite-HRNet's Naive modules (paper section 3.1;
original code: HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``, ``ShuffleUnit``)."""
from typing import Optional

from torch import Tensor, nn

from .gradient_checkpointing import checkpointed, should_checkpoint
from .layers import ConvModule
from .ops import Size, shuffle_concat, split_halves


class ShuffleUnit(nn.Module):
    """ShuffleNet-v2 unit with stride 1: keep half of the channels; run the other half through
    1x1, 3x3 depthwise, 1x1 convs; concatenate and shuffle. Only stride 1 is built: no
    published config uses the strided unit.

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

    def switch_to_deploy(self) -> None:
        """Fold the norms (the unit has no shuffle-free form: its 1x1 convs mix the channels
        of one half)."""
        self.with_cp = False
        for conv in self.branch2:
            conv.switch_to_deploy()
