"""ShuffleNet-v2 unit with stride 1, the building block of the Naive Lite-HRNet."""
from typing import Optional

from torch import Tensor, nn

from .channel_shuffle import shuffle_concat
from .checkpoint import checkpointed, should_checkpoint
from .conv_module import ConvModule


class ShuffleUnit(nn.Module):
    """Keep half of the channels; run the other half through 1x1, 3x3 depthwise, 1x1 convs;
    concatenate and shuffle.

    Only stride 1 is built: no published config uses the strided unit.

    Shapes: (N, C, H, W) -> (N, C, H, W).
    """

    def __init__(self,
                 channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 with_cp: bool = False) -> None:
        super().__init__()
        self.with_cp = with_cp
        c = channels // 2
        norm = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.branch2 = nn.Sequential(
            ConvModule(c, c, 1, **norm),
            ConvModule(c, c, 3, padding=1, groups=c, act_cfg=None, **norm),
            ConvModule(c, c, 1, **norm),
        )

    def _forward(self, x: Tensor) -> Tensor:
        x1, x2 = x.chunk(2, dim=1)
        return shuffle_concat(x1, self.branch2(x2))

    def forward(self, x: Tensor) -> Tensor:
        if should_checkpoint(self.with_cp):
            return checkpointed(self, self._forward, x)
        return self._forward(x)
