"""Shared builders for the Lite-HRNet tests, and the published variants as the configs take
them (configs/_base_/backbones/litehrnet.py)."""
from pathlib import Path
from typing import Callable, Optional

import pytest
import torch
from mmengine.config import Config

from litehrnet import LiteHRNet

_VARIANTS = Config.fromfile(
    str(Path(__file__).resolve().parents[2] / 'configs/_base_/backbones/litehrnet.py'))
VARIANT_NAMES = tuple(_VARIANTS.keys())


def variant_extra(name: str, with_head: bool = True) -> dict:
    """A fresh copy of the ``extra`` dict of a published variant."""
    return dict(_VARIANTS[name].extra.to_dict(), with_head=with_head)


@pytest.fixture
def randomised_backbone(randomised_norms) -> Callable[..., LiteHRNet]:
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
        return randomised_norms(model)

    return build
