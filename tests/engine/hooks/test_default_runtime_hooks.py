"""Both default runtimes (pose and segmentation) use engine's hooks."""
import pytest
from mmengine.config import Config
from mmengine.registry import HOOKS

import engine  # noqa: F401  registers the hooks

HOOK_TYPES = ['NonFiniteLossHook', 'AugmentationSeedHook', 'SkippedSampleReportHook',
              'AtomicCheckpointHook', 'DeterministicWarnOnlyHook']


@pytest.mark.parametrize('config', [
    'configs/pose/demo/litehrnet_18_coco-sample_256x192.py',
    'configs/pose/lite_hrnet/mpii/litehrnet_30_mpii_256x256.py',
    'configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py',
    'configs/seg/fcn-resize-concat_litehrnet-30_cityscapes-512x1024.py',
])
def test_configs_register_and_use_the_engine_hooks(config):
    cfg = Config.fromfile(config)
    assert 'engine' in cfg.custom_imports.imports
    assert [hook.type for hook in cfg.custom_hooks] == HOOK_TYPES
    for name in HOOK_TYPES:
        assert HOOKS.get(name) is not None
    assert cfg.default_hooks.logger.type == 'MainProcessLoggerHook'
    assert HOOKS.get('MainProcessLoggerHook') is not None
