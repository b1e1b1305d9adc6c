"""Model-level conversion to the inference fast path, for any model containing a LiteHRNet."""
from typing import Optional, Tuple

import torch
from torch import nn

from ..backbone import LiteHRNet
from .fuse_batchnorm import fold_batchnorm
from .fused_backbone import FusedLiteHRNet


def fuse_model(model: nn.Module,
               static_input_size: Optional[Tuple[int, int]] = None,
               channels_last: bool = False,
               channel_multiple: int = 1,
               shuffle_free: bool = False) -> nn.Module:
    """Swap every :class:`LiteHRNet` inside ``model`` for a :class:`FusedLiteHRNet` and fold all
    other (conv, BatchNorm) pairs (pose heads, segmentation decode heads), in place.

    Task-agnostic: the model keeps its interface (pose estimators, mmseg segmentors and bare
    backbones alike). Inference only afterwards: the model is put in eval mode and its
    parameters are frozen.

    Args:
        model: the model; a bare ``LiteHRNet`` is replaced, so use the return value.
        static_input_size: (H, W) of every input, fixed in the backbone (ONNX export).
        channels_last: store conv weights channels-last (feed channels-last inputs then).
        channel_multiple: pad the backbone's branches to a multiple of this many channels
            (see :class:`FusedLiteHRNet`; 16 suits onnxruntime on AVX-512 CPUs).
        shuffle_free: run the Lite blocks without channel splits and shuffles (see
            :class:`FusedLiteHRNet`; Lite-HRNets only).

    Returns:
        The converted model (``model`` itself unless it is a bare ``LiteHRNet``).
    """
    def fused(backbone: LiteHRNet) -> FusedLiteHRNet:
        return FusedLiteHRNet(backbone, static_input_size, shuffle_free=shuffle_free,
                              channel_multiple=channel_multiple)

    if isinstance(model, LiteHRNet):
        model = fused(model)
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, LiteHRNet):
                setattr(parent, name, fused(child))
    fold_batchnorm(model)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    return model
