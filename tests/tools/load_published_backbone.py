"""Run by tests/tools/test_publish_model.py in a fresh interpreter: the backbone used in
another OpenMMLab project, which imports ``litehrnet`` and its framework only (not this
project's ``engine``, whose guarded loader would replace mmengine's ``torch.load``).

    python tests/tools/load_published_backbone.py mmengine|mmdet|mmseg CKPT EXPECTED

Builds a Lite-HRNet-18 with ``init_cfg=dict(type='Pretrained', checkpoint=CKPT,
prefix='backbone.')`` (alone from mmengine's registry, or inside an mmdet RTMDet or an mmseg
EncoderDecoder built from this repository's configs), initialises it, and compares every
backbone tensor with EXPECTED (a ``torch.save`` of the trained backbone's state dict). Prints
``loaded N tensors, all equal`` and exits 0; any difference or error exits non-zero.
"""
import sys
from pathlib import Path

import torch
from mmengine.config import Config
from torch import nn

import litehrnet  # noqa: F401  registers LiteHRNet in mmengine's root MODELS

ROOT = Path(__file__).resolve().parents[2]
BACKBONES = ROOT / 'configs/_base_/backbones/litehrnet.py'
DETECTOR = ROOT / 'configs/det/rtmdet_litehrnet-18-hrfpn_8xb32-300e_coco-person.py'
SEGMENTOR = ROOT / 'configs/seg/fcn_litehrnet-18_cityscapes-512x1024.py'


def config(path: Path) -> Config:
    """A config of this repository as another project reads it: its ``custom_imports``
    (which name this project's packages) not imported."""
    return Config.fromfile(str(path), import_custom_modules=False)


def backbone(framework: str, init_cfg: dict) -> nn.Module:
    """The initialised backbone of a model built by ``framework``'s registry."""
    if framework == 'mmengine':
        from mmengine.registry import MODELS
        model = MODELS.build(dict(config(BACKBONES).litehrnet_18, init_cfg=init_cfg))
        model.init_weights()
        return model
    if framework == 'mmdet':
        from mmdet.registry import MODELS
        from mmdet.utils import register_all_modules
        register_all_modules()
        cfg = config(DETECTOR).model
    elif framework == 'mmseg':
        from mmseg.registry import MODELS
        from mmseg.utils import register_all_modules
        register_all_modules()
        cfg = config(SEGMENTOR).model
        cfg.type = 'EncoderDecoder'  # mmseg's own; RuntimeEncoderDecoder is this project's
    else:
        raise SystemExit(f'unknown framework {framework!r}')
    cfg.backbone.init_cfg = init_cfg
    model = MODELS.build(cfg)
    model.init_weights()
    return model.backbone


def main(framework: str, checkpoint: str, expected_path: str) -> None:
    model = backbone(framework, dict(type='Pretrained', checkpoint=checkpoint,
                                     prefix='backbone.'))
    leaked = [name for name in ('engine', 'pose', 'seg') if name in sys.modules]
    if leaked:
        raise SystemExit(f'this project\'s {", ".join(leaked)} got imported')
    expected = torch.load(expected_path, weights_only=True)
    state = model.state_dict()
    for key, tensor in state.items():
        if key not in expected or not torch.equal(tensor, expected[key]):
            raise SystemExit(f'{key} differs from the trained backbone')
    print(f'loaded {len(state)} tensors, all equal')


if __name__ == '__main__':
    main(*sys.argv[1:])
