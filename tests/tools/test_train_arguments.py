"""tools/train.py maps its flags onto mmengine's config keys (the --amp refusal on CPU-only
machines is tested end to end in test_bad_input.py); --deterministic runs in warn-only mode."""
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



def test_deterministic_segmentation_training_runs_in_warn_only_mode(tools, tmp_path):
    """On CUDA, strict mode would stop at mmseg's and Lite-HRNet's ops without a deterministic
    kernel; what a CPU can check is that the run switches to warn-only mode, and logs it."""
    result = tools.train(tools.SEG_ADE, '--work-dir', str(tmp_path), '--deterministic',
                         '--cfg-options', 'train_cfg.max_iters=1', 'train_dataloader.batch_size=1',
                         'default_hooks.logger.interval=1', 'val_cfg=None', 'val_dataloader=None',
                         'val_evaluator=None')
    assert result.returncode == 0, tools.tail(result)
    assert 'deterministic: True' in result.stdout  # mmengine's strict set-up ...
    assert 'warn-only mode' in result.stdout  # ... relaxed, and said so
    assert 'CUBLAS_WORKSPACE_CONFIG=:4096:8' in result.stdout
    assert 'Iter(train) [1/1]' in result.stdout
