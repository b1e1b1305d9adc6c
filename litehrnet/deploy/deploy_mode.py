"""Convert a whole model containing Lite-HRNets to its inference form."""
from typing import Optional, Tuple

from torch import nn

from ..backbone import LiteHRNet
from .batchnorm_folding import fold_batchnorm
from .shuffle_free import is_lite, make_shuffle_free_


def switch_to_deploy(model: nn.Module,
                     input_size: Optional[Tuple[int, int]] = None,
                     shuffle_free: bool = False,
                     channel_multiple: int = 1) -> nn.Module:
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
        shuffle_free: convert Lite-HRNets with Lite stages to the shuffle-free form
            (:mod:`.shuffle_free`); others keep their blocks.
        channel_multiple: with ``shuffle_free``, pad every branch to a multiple of this many
            channels.

    Returns:
        ``model``.
    """
    for module in model.modules():
        if isinstance(module, LiteHRNet):
            module.switch_to_deploy(input_size)
            if shuffle_free and is_lite(module):
                make_shuffle_free_(module, channel_multiple)
    fold_batchnorm(model, frozen=True)
    return model.eval()
