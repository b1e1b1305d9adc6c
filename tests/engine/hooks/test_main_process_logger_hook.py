"""MainProcessLoggerHook writes the test metrics file from the main process only."""
import json
from types import SimpleNamespace

from mmengine.hooks import LoggerHook

from engine.hooks import main_process_logger_hook
from engine.hooks.main_process_logger_hook import MainProcessLoggerHook


class FakeLogProcessor:
    def get_log_after_epoch(self, runner, batches, mode, with_non_scalar=False):
        return {'mIoU': 42.0}, f'{mode} mIoU: 42.0'


def run_after_test(tmp_path, monkeypatch, main: bool):
    monkeypatch.setattr(main_process_logger_hook, 'is_main_process', lambda: main)
    logged = []
    runner = SimpleNamespace(log_processor=FakeLogProcessor(), test_dataloader=[0, 1],
                             logger=SimpleNamespace(info=logged.append), log_dir=str(tmp_path),
                             timestamp='20261129_120000')
    hook = MainProcessLoggerHook()
    hook.json_log_path = f'{runner.timestamp}.json'
    hook.after_test_epoch(runner, {'mIoU': 42.0})
    return logged


def test_the_main_process_logs_and_writes_the_metrics(tmp_path, monkeypatch):
    assert issubclass(MainProcessLoggerHook, LoggerHook)
    logged = run_after_test(tmp_path, monkeypatch, main=True)
    assert logged == ['test mIoU: 42.0']
    assert json.loads((tmp_path / '20261129_120000.json').read_text()) == {'mIoU': 42.0}


def test_other_ranks_write_nothing(tmp_path, monkeypatch):
    assert run_after_test(tmp_path, monkeypatch, main=False) == []
    assert list(tmp_path.iterdir()) == []
