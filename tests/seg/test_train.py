"""mmengine's Runner trains, validates, saves and tests a config on the bundled Cityscapes frame."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from engine import load_checkpoint_file

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / 'configs/seg/demo/fcn_litehrnet-18_cityscapes-sample.py'


def two_iteration_config(work_dir: Path) -> Config:
    """The Cityscapes demo config cut to 2 iterations (validation and checkpoint at the end)."""
    cfg = Config.fromfile(str(DEMO))
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.update(max_iters=2, val_interval=2)
    cfg.default_hooks.checkpoint.interval = 2
    cfg.default_hooks.logger.interval = 1
    cfg.param_scheduler[0].end = 2
    cfg.test_evaluator[1].output_dir = str(work_dir / 'official_eval')
    for loader in (cfg.train_dataloader, cfg.val_dataloader, cfg.test_dataloader):
        loader.dataset.dataset.data_root = str(ROOT / 'data/samples/cityscapes')
    return cfg


def test_two_iterations_then_test(tmp_path):
    runner = Runner.from_cfg(two_iteration_config(tmp_path))
    runner.train()
    assert runner.iter == 2
    assert 0 <= runner.message_hub.get_scalar('val/mIoU').current() <= 100
    checkpoint = load_checkpoint_file(str(tmp_path / 'iter_2.pth'))
    assert len(checkpoint['meta']['dataset_meta']['classes']) == 19
    assert any(k.startswith('backbone.stage2') for k in checkpoint['state_dict'])

    metrics = runner.test()  # IoUMetric and the official Cityscapes scripts
    assert 0 <= metrics['mIoU'] <= 100 and 0 <= metrics['averageScoreClasses'] <= 1
    assert (tmp_path / 'official_eval' / 'frankfurt_000000_000294_leftImg8bit.png').is_file()


def test_missing_data_root_stops_before_training(tmp_path):
    cfg = two_iteration_config(tmp_path)
    missing = tmp_path / 'no_cityscapes_here'
    cfg.train_dataloader.dataset.dataset.data_root = str(missing)
    runner = Runner.from_cfg(cfg)
    with pytest.raises(FileNotFoundError, match=f"data_root '{missing}' does not exist. "
                       'Download leftImg8bit_trainvaltest.zip'):
        runner.train()
    assert not list(tmp_path.glob('*.pth'))
