"""work_dir_lock: one training run per work dir; the second is refused naming the first, and a
killed holder leaves nothing to clean up."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine import WorkDirInUseError, work_dir_lock
from engine.work_dir_lock import LOCK_FILE

ROOT = Path(__file__).resolve().parents[2]

HOLD = '''
import sys, time
from engine import work_dir_lock
with work_dir_lock(sys.argv[1]):
    print('held', flush=True)
    time.sleep(600)
'''


def test_a_second_run_is_refused_naming_the_first(tmp_path):
    with work_dir_lock(str(tmp_path)) as note:
        assert f'pid {os.getpid()} on ' in note
        with pytest.raises(WorkDirInUseError, match='in use') as error:
            with work_dir_lock(str(tmp_path)):
                pass
        message = str(error.value)
        assert f'work dir {tmp_path} ' in message
        assert f'pid {os.getpid()} on ' in message  # the run holding it
        assert f'lock {tmp_path / LOCK_FILE}' in message
    with work_dir_lock(str(tmp_path)) as note:  # free again once the first run ended
        assert note is not None


@pytest.mark.slow
def test_a_killed_run_releases_the_work_dir(tmp_path):
    holder = subprocess.Popen([sys.executable, '-c', HOLD, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert holder.stdout.readline().strip() == 'held'
        with pytest.raises(WorkDirInUseError, match=f'pid {holder.pid} on '):
            with work_dir_lock(str(tmp_path)):
                pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with work_dir_lock(str(tmp_path)) as note:
        assert note is not None


def test_only_the_main_process_of_a_distributed_run_locks(tmp_path, monkeypatch):
    monkeypatch.setenv('RANK', '1')
    with work_dir_lock(str(tmp_path), launcher='pytorch') as note:
        assert note is None
        assert not (tmp_path / LOCK_FILE).exists()
