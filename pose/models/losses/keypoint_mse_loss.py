"""Mean squared error between predicted and target heatmaps, with per-keypoint weights."""
from typing import Optional

from torch import Tensor, nn

from pose.registry import MODELS


@MODELS.register_module()
class KeypointMSELoss(nn.Module):
    """MSE of ``w * pred`` against ``w * target``, averaged over batch, keypoints and pixels.

    This is the original JointsMSELoss (mean over joints of the per-joint mean squared error),
    so that loss values and the published learning rate mean the same thing.

    Args:
        use_target_weight: weight each keypoint's heatmap (0 for unlabelled keypoints).
        loss_weight: multiplier of the loss.

    Shapes: pred, target (N, K, H, W); target_weight (N, K).
    """

    def __init__(self, use_target_weight: bool = True, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.use_target_weight = use_target_weight
        self.loss_weight = loss_weight

    def forward(self, pred: Tensor, target: Tensor,
                target_weight: Optional[Tensor] = None) -> Tensor:
        if self.use_target_weight:
            if target_weight is None:
                raise ValueError('KeypointMSELoss(use_target_weight=True) needs target_weight')
            weight = target_weight[..., None, None]
            pred, target = pred * weight, target * weight
        return ((pred - target)**2).mean() * self.loss_weight
