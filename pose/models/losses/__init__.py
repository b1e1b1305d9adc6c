from .keypoint_mse_loss import KeypointMSELoss
from .mask_bce_dice_loss import MaskBCEDiceLoss

__all__ = ['KeypointMSELoss', 'MaskBCEDiceLoss']
