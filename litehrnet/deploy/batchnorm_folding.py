"""Fold inference-mode BatchNorm into the convolution before it, in any model.

A BatchNorm in eval mode is a per-channel affine map ``y = x * s + t`` with
``s = gamma / sqrt(running_var + eps)`` and ``t = beta - running_mean * s``; after a
convolution it can be absorbed into that convolution's weight and bias, saving one pass over
the feature map (and one kernel launch) per norm. The outputs change only by float rounding.
"""
from typing import Optional, Tuple

import torch
from mmcv.cnn import ConvModule as MMCVConvModule
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

FOLDABLE_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d)


def _scale_shift(norm: _BatchNorm) -> Tuple[Tensor, Tensor]:
    """(s, t) of the per-channel affine map the norm applies in eval mode."""
    scale = torch.rsqrt(norm.running_var.double() + norm.eps)
    if norm.weight is not None:
        scale = scale * norm.weight.double()
    shift = -norm.running_mean.double() * scale
    if norm.bias is not None:
        shift = shift + norm.bias.double()
    return scale, shift


def _can_fold(conv: nn.Module, norm: nn.Module) -> bool:
    # Any _BatchNorm: mmengine's revert_sync_batchnorm turns SyncBN into its own _BatchNormXd.
    if not isinstance(conv, FOLDABLE_CONVS) or not isinstance(norm, _BatchNorm):
        return False
    if not norm.track_running_stats or norm.running_mean is None:
        return False
    # A transposed conv's weight is (in, out / groups, ...): only groups == 1 maps one weight
    # slice to each output channel.
    return not (isinstance(conv, nn.ConvTranspose2d) and conv.groups != 1)


@torch.no_grad()
def fold_conv_norm(conv: nn.Module, norm: _BatchNorm) -> None:
    """Absorb ``norm`` into ``conv`` in place (weights computed in float64, stored as before)."""
    scale, shift = _scale_shift(norm)
    weight = conv.weight.double()
    if isinstance(conv, nn.ConvTranspose2d):
        weight = weight * scale.view(1, -1, *([1] * (weight.dim() - 2)))
    else:
        weight = weight * scale.view(-1, *([1] * (weight.dim() - 1)))
    bias = shift if conv.bias is None else conv.bias.double() * scale + shift
    conv.weight.copy_(weight.to(conv.weight.dtype))
    if conv.bias is None:
        conv.bias = nn.Parameter(bias.to(conv.weight))
    else:
        conv.bias.copy_(bias.to(conv.bias.dtype))


def _fold_conv_module(module: MMCVConvModule) -> bool:
    norm = module.norm if module.with_norm else None
    order = tuple(module.order)
    if norm is None or order.index('norm') != order.index('conv') + 1:
        return False
    if not _can_fold(module.conv, norm):
        return False
    fold_conv_norm(module.conv, norm)
    setattr(module, module.norm_name, nn.Identity())
    module.with_norm = False
    return True


def _fold_sequential(module: nn.Sequential) -> int:
    """Fold every (conv, norm) pair of adjacent children; the norm becomes ``nn.Identity`` so
    that positional indexing (``seq[2]``) and subclasses' forwards keep working."""
    folded = 0
    children = list(module._modules.items())
    for (_, conv), (name, norm) in zip(children, children[1:]):
        if conv is not None and norm is not None and _can_fold(conv, norm):
            fold_conv_norm(conv, norm)
            module._modules[name] = nn.Identity()
            folded += 1
    return folded


def fold_batchnorm(model: nn.Module, frozen: Optional[bool] = True) -> int:
    """Fold every BatchNorm that directly follows a convolution into it, in place.

    Handles mmcv ``ConvModule`` (conv, norm, act; the norm is dropped and ``with_norm``
    cleared) and adjacent (conv, norm) children of any ``nn.Sequential`` (the norm is replaced
    by ``nn.Identity``). The model must be used for inference afterwards: the folded norms'
    running statistics are baked into the weights. Returns the number of norms folded.

    Args:
        model: any model; it is put in eval mode.
        frozen: also stop gradients (``requires_grad=False``) on all parameters.
    """
    model.eval()
    folded = 0
    for module in list(model.modules()):
        if isinstance(module, MMCVConvModule):
            folded += _fold_conv_module(module)
        elif isinstance(module, nn.Sequential):
            folded += _fold_sequential(module)
    if frozen:
        model.requires_grad_(False)
    return folded
