"""tools/analysis/metric_history.py reads a metric's course from mmengine's scalar log."""
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools/analysis/metric_history.py'
spec = importlib.util.spec_from_file_location('metric_history', TOOL)
metric_history = importlib.util.module_from_spec(spec)
spec.loader.exec_module(metric_history)


def write_run(work_dir: Path, timestamp: str, records) -> Path:
    vis_data = work_dir / timestamp / 'vis_data'
    vis_data.mkdir(parents=True)
    path = vis_data / 'scalars.json'
    path.write_text(''.join(json.dumps(record) + '\n' for record in records))
    return path


def test_reads_the_newest_run_that_logged_the_key(tmp_path):
    write_run(tmp_path, '20261101_100000', [{'mIoU': 1.0, 'step': 40}])
    newest = write_run(tmp_path, '20261102_100000', [
        {'loss': 2.0, 'lr': 0.1, 'step': 10},
        {'mIoU': 10.5, 'aAcc': 50.0, 'step': 40},
        {'loss': 1.0, 'lr': 0.1, 'step': 50},
        {'mIoU': 30.25, 'aAcc': 70.0, 'step': 80},
    ])
    write_run(tmp_path, '20261103_100000', [{'loss': 1.0, 'step': 1}])  # e.g. a crashed run

    path, history = metric_history.newest_history(str(tmp_path), 'mIoU')

    assert path == str(newest)
    assert history == [(40, 10.5), (80, 30.25)]


def test_cli_reports_the_gain_and_enforces_min_gain(tmp_path):
    write_run(tmp_path, '20261102_100000', [{'coco/AP': 0.2, 'step': 1},
                                            {'coco/AP': 0.9, 'step': 2}])

    def run(*extra):
        return subprocess.run([sys.executable, str(TOOL), str(tmp_path), '--key', 'coco/AP',
                               *extra], capture_output=True, text=True)

    passed = run('--min-gain', '0.5')
    assert passed.returncode == 0, passed.stderr
    # key: first -> last (gain), to 4 decimals
    assert re.search(r'coco/AP: 0\.2000\b.* -> 0\.9000\b.*\(\+0\.7000\)', passed.stdout)
    failed = run('--min-gain', '0.8')
    assert failed.returncode == 1
    assert 'less than --min-gain' in failed.stderr


def test_errors_name_the_work_dir_and_the_bad_line(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        metric_history.newest_history(str(tmp_path), 'mIoU')
    write_run(tmp_path, '20261102_100000', [{'loss': 1.0, 'step': 1}])
    with pytest.raises(KeyError, match="'mIoU'"):
        metric_history.newest_history(str(tmp_path), 'mIoU')
    broken = write_run(tmp_path, '20261103_100000', [{'mIoU': 1.0, 'step': 1}])
    broken.write_text(broken.read_text() + '{"mIoU": \n')
    with pytest.raises(ValueError, match='scalars.json, line 2: not json'):
        metric_history.newest_history(str(tmp_path), 'mIoU')
