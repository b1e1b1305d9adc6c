"""Shared builders for the Lite-HRNet tests, and the published variants as the configs take
them (configs/_base_/backbones/litehrnet.py)."""
from pathlib import Path
from typing import Callable, Optional

import pytest
import torch
from mmengine.config import Config
from torch import nn

from litehrnet import LiteHRNet

_VARIANTS = Config.fromfile(
    str(Path(__file__).resolve().parents[2] / 'configs/_base_/backbones/litehrnet.py'))
VARIANT_NAMES = tuple(_VARIANTS.keys())


def variant_extra(name: str, with_head: bool = True) -> dict:
    """A fresh copy of the ``extra`` dict of a published variant."""
    return dict(_VARIANTS[name].extra.to_dict(), with_head=with_head)


def randomise_norms(model: nn.Module, weight_range=(0.3, 0.8)) -> nn.Module:
    """Give every BatchNorm non-trivial affine parameters and running statistics, so that
    folding them and reordering operations are actually exercised. The weight range keeps the
    activations O(1) through the fuse layers, which double branch 0 in every module."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, *weight_range)
            nn.init.uniform_(m.bias, -0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    return model


@pytest.fixture
def randomised_norms() -> Callable[[nn.Module], nn.Module]:
    """:func:`randomise_norms`, for tests that build their own modules."""
    return randomise_norms


@pytest.fixture
def randomised_backbone() -> Callable[..., LiteHRNet]:
    """``build(name, with_head=True, init_preset=None, **kwargs)``: a seeded LiteHRNet returning
    all branches; its convs keep PyTorch's default initialisation, or with ``init_preset`` get
    that preset's (``init_weights``) before the norms are randomised."""

    def build(name: str, with_head: bool = True, init_preset: Optional[str] = None,
              **kwargs) -> LiteHRNet:
        torch.manual_seed(0)
        kwargs.setdefault('out_indices', (0, 1, 2, 3))
        if init_preset is None:
            model = LiteHRNet(variant_extra(name, with_head), init_cfg=None, **kwargs)
        else:
            model = LiteHRNet(variant_extra(name, with_head), init_preset=init_preset, **kwargs)
            model.init_weights()
        return randomise_norms(model)

    return build
