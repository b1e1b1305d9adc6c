"""tools/train.py maps its flags onto mmengine's config keys (the --amp refusal on CPU-only
machines is tested end to end in test_bad_input.py)."""
import argparse
import importlib.util

import pytest
import torch
from mmengine.config import Config

spec = importlib.util.spec_from_file_location('train_tool', 'tools/train.py')
train_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train_tool)

CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'


def _apply(**flags) -> Config:
    cfg = Config.fromfile(CONFIG)
    args = dict(amp=False, seed=None, deterministic=False, resume=None, load_from=None)
    train_tool.apply_training_arguments(cfg, argparse.Namespace(**{**args, **flags}))
    return cfg


def test_seed_and_deterministic_set_randomness():
    assert _apply().randomness == dict(seed=0)
    assert _apply(seed=5, deterministic=True).randomness == dict(seed=5, deterministic=True)


def test_load_from_and_resume():
    cfg = _apply(load_from='a.pth')
    assert (cfg.load_from, cfg.resume) == ('a.pth', False)
    cfg = _apply(resume='auto')
    assert (cfg.load_from, cfg.resume) == (None, True)
    cfg = _apply(resume='b.pth')
    assert (cfg.load_from, cfg.resume) == ('b.pth', True)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='AMP needs CUDA')
def test_amp_selects_the_amp_optim_wrapper():
    cfg = _apply(amp=True)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'

