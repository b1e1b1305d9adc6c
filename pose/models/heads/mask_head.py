"""A person's silhouette from the same features as the heatmaps."""
from typing import Optional, Tuple

import torch
from mmengine.model import BaseModule
from torch import Tensor, nn

from pose.registry import MODELS
from ..utils import flip_heatmaps


def _separable_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """3x3 depthwise + 1x1 pointwise conv, each followed by BN and ReLU."""
    return nn.Sequential(
        nn.Conv2d(in_channels, in_channels, 3, padding=1, groups=in_channels, bias=False),
        nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
        nn.Conv2d(in_channels, out_channels, 1, bias=False),
        nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


@MODELS.register_module()
class MaskHead(BaseModule):
    """Mask logits on the heatmap grid: ``num_convs`` depthwise-separable blocks and a 1x1
    conv to one channel, from the backbone's highest-resolution branch.

    The default (one block of 32 channels on Lite-HRNet-18's 40) costs 9*40 + 40*32 + 32 =
    1,672 multiply-accumulates per heatmap pixel: the mask rides on the keypoint features
    for a few percent of the backbone. ``num_convs=0`` is a linear 1x1 read-out.

    Args:
        in_channels: channels of the backbone output.
        channels: channels of the separable blocks.
        num_convs: number of separable blocks.
        loss: mask loss config (:class:`MaskBCEDiceLoss`).

    Shapes: feats tuple whose last element is (N, in_channels, h, w) -> (N, 1, h, w) logits.
    """

    def __init__(self,
                 in_channels: int,
                 channels: int = 32,
                 num_convs: int = 1,
                 loss: dict = dict(type='MaskBCEDiceLoss'),
                 init_cfg: Optional[dict] = None) -> None:
        if num_convs < 0 or channels < 1:
            raise ValueError(f'MaskHead: num_convs must be >= 0 and channels >= 1, got '
                             f'{num_convs} and {channels}')
        if init_cfg is None:
            init_cfg = [dict(type='Normal', layer=['Conv2d'], std=0.001),
                        dict(type='Constant', layer=['BatchNorm2d'], val=1)]
        super().__init__(init_cfg)
        blocks = [_separable_block(in_channels if i == 0 else channels, channels)
                  for i in range(num_convs)]
        self.convs = nn.Sequential(*blocks)
        self.final_layer = nn.Conv2d(channels if num_convs else in_channels, 1, kernel_size=1)
        self.loss_module = MODELS.build(loss)

    def forward(self, feats: Tuple[Tensor, ...]) -> Tensor:
        return self.final_layer(self.convs(feats[-1]))

    def loss(self, feats: Tuple[Tensor, ...], batch_data_samples: list) -> dict:
        """BCE and dice against the targets packed by ``GenerateMaskTarget``."""
        logits = self.forward(feats)
        target = torch.stack([d.gt_fields.mask_target for d in batch_data_samples]).to(logits)
        weights = torch.stack([d.gt_fields.mask_weights
                               for d in batch_data_samples]).to(logits)
        if target.shape != logits.shape:
            raise ValueError(f'mask targets of shape {tuple(target.shape[1:])} do not match the '
                             f'predictions {tuple(logits.shape[1:])}: generate them with the '
                             'codec of the model (GenerateMaskTarget(encoder=codec))')
        bce, dice = self.loss_module(logits, target, weights)
        return dict(loss_mask_bce=bce, loss_mask_dice=dice)

    @staticmethod
    def average_flipped(logits: Tensor, logits_flipped: Optional[Tensor],
                        shift: bool) -> Tensor:
        """(N, 1, h, w) probabilities, averaged with those of the flipped input (mirrored
        back, shifted a pixel like the heatmaps when ``shift``) when given."""
        probs = logits.sigmoid()
        if logits_flipped is None:
            return probs
        return (probs + flip_heatmaps(logits_flipped.sigmoid(), [0], shift)) * 0.5
