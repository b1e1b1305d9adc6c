"""Convert a whole model containing Lite-HRNets to its inference form."""
from typing import Optional, Tuple

import torch
from mmcv.cnn import fuse_conv_bn
from torch import nn

from ..backbone import LiteHRNet
from ..modules import DeployForm


@torch.no_grad()
def switch_to_deploy(model: nn.Module,
                     input_size: Optional[Tuple[int, int]] = None,
                     form: DeployForm = DeployForm()) -> nn.Module:
    """Convert ``model`` (a bare LiteHRNet, a pose estimator, an mmseg segmentor ...) to its
    inference form, in place: every :class:`LiteHRNet` switches itself to ``form`` (see
    :meth:`LiteHRNet.switch_to_deploy`), every other (conv, BatchNorm) pair (pose heads,
    segmentation decode heads) is folded by mmcv's ``fuse_conv_bn``, the model is put in eval
    mode and its parameters are frozen. The model keeps its interface; its outputs equal the
    trained model's up to float rounding.

    Args:
        model: the model.
        input_size: (H, W) of every input, fixed in the backbones (ONNX export); None keeps
            any input size.
        form: the inference form of the backbones (a Naive backbone keeps the split form).

    Returns:
        ``model``.
    """
    model.eval()
    for module in model.modules():
        if isinstance(module, LiteHRNet):
            module.switch_to_deploy(form, input_size)
    fuse_conv_bn(model)
    return model.eval().requires_grad_(False)
