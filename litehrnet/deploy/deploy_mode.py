"""Convert a whole model containing Lite-HRNets to its inference form."""
from typing import Optional, Tuple

from torch import nn

from ..backbone import LiteHRNet
from .batchnorm_folding import fold_batchnorm


def switch_to_deploy(model: nn.Module,
                     input_size: Optional[Tuple[int, int]] = None) -> nn.Module:
    """Convert ``model`` (a bare LiteHRNet, a pose estimator, an mmseg segmentor ...) to its
    inference form, in place: every :class:`LiteHRNet` switches itself to deploy mode (see
    :meth:`LiteHRNet.switch_to_deploy`), every other (conv, BatchNorm) pair (pose heads,
    segmentation decode heads) is folded, the model is put in eval mode and its parameters are
    frozen. The model keeps its interface; its outputs equal the trained model's up to float
    rounding.

    Args:
        model: the model.
        input_size: (H, W) of every input, fixed in the backbones (ONNX export); None keeps
            any input size.

    Returns:
        ``model``.
    """
    for module in model.modules():
        if isinstance(module, LiteHRNet):
            module.switch_to_deploy(input_size)
    fold_batchnorm(model, frozen=True)
    return model.eval()
