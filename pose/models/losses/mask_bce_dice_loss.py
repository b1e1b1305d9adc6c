"""Binary cross-entropy plus dice for a person's silhouette, with per-pixel weights."""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from pose.registry import MODELS


@MODELS.register_module()
class MaskBCEDiceLoss(nn.Module):
    """Pixel-wise binary cross-entropy and the dice loss (Milletari et al., V-Net, 2016) of
    mask logits against soft targets, both under per-pixel weights.

    The weights carry two kinds of "do not learn here": crowd regions (weight 0 on their
    pixels) and samples without a mask (weight 0 everywhere). Such samples leave both terms
    unchanged: BCE is averaged over the weight of the pixels that count, dice over the
    samples that have any; a batch without a single mask gives zero losses that still reach
    every parameter of the head (distributed training needs the gradients, even zero).

    Args:
        bce_weight: multiplier of the BCE term.
        dice_weight: multiplier of the dice term.
        smooth: added to the dice numerator and denominator (an empty target and an empty
            prediction agree perfectly).

    Shapes: logits, target, weights (N, 1, H, W) -> (bce, dice) scalars, weighted.
    """

    def __init__(self, bce_weight: float = 1.0, dice_weight: float = 1.0,
                 smooth: float = 1.0) -> None:
        super().__init__()
        if bce_weight < 0 or dice_weight < 0 or smooth <= 0:
            raise ValueError(f'{type(self).__name__}: bce_weight and dice_weight must be >= 0 '
                             f'and smooth > 0, got {bce_weight}, {dice_weight}, {smooth}')
        self.bce_weight = bce_weight
        self.dice_weight = dice_weight
        self.smooth = smooth

    def forward(self, logits: Tensor, target: Tensor, weights: Tensor) -> Tuple[Tensor, Tensor]:
        if not logits.shape == target.shape == weights.shape:
            raise ValueError(f'mask logits {tuple(logits.shape)}, targets '
                             f'{tuple(target.shape)} and weights {tuple(weights.shape)} differ '
                             'in shape')
        return (self.bce_weight * self._bce(logits, target, weights),
                self.dice_weight * self._dice(logits, target, weights))

    @staticmethod
    def _bce(logits: Tensor, target: Tensor, weights: Tensor) -> Tensor:
        per_pixel = F.binary_cross_entropy_with_logits(logits, target, reduction='none')
        return (per_pixel * weights).sum() / weights.sum().clamp(min=1.)

    def _dice(self, logits: Tensor, target: Tensor, weights: Tensor) -> Tensor:
        probs = logits.sigmoid().flatten(1)
        target, weights = target.flatten(1), weights.flatten(1)
        overlap = (weights * probs * target).sum(1)
        total = (weights * probs).sum(1) + (weights * target).sum(1)
        dice = 1. - (2. * overlap + self.smooth) / (total + self.smooth)
        has_mask = (weights.sum(1) > 0).to(dice)
        return (dice * has_mask).sum() / has_mask.sum().clamp(min=1.) + 0. * logits.sum()
