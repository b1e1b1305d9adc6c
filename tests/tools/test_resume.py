"""A run killed (SIGKILL) and resumed with --resume ends with the weights and logged losses of an
uninterrupted run: same seed, --deterministic, checkpoints loaded weights-only through engine's
allow-list (no --trust-checkpoint). Killed between iterations, or while writing a checkpoint;
a truncated last checkpoint (a crash) is passed over; and a second run into the same work dir
is refused instead of interleaving its checkpoints with the first one's."""
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine import is_complete_checkpoint, load_checkpoint_file

HERE = Path(__file__).resolve().parent
# 2 epochs of 3 iterations (6 of the COCO sample's people, batches of 2), a checkpoint per
# epoch, every iteration's raw loss logged, no validation; random flips, scalings and
# rotations on.
OPTIONS = ['--seed', '7', '--deterministic', '--cfg-options', 'train_cfg.max_epochs=2',
           'train_dataloader.batch_size=2', 'train_dataloader.dataset.indices=6',
           'default_hooks.checkpoint.interval=1', 'default_hooks.checkpoint.max_keep_ckpts=2',
           'default_hooks.checkpoint.save_best=None', 'default_hooks.logger.interval=1',
           'log_processor.window_size=1', 'val_cfg=None', 'val_dataloader=None',
           'val_evaluator=None']
# tools/train.py, with checkpoint_write_pause imported first; PAUSED on stdout when that pauses
# (it touches $PAUSE_MARKER then, with half of the checkpoint written).
PAUSED = 'paused in the middle of writing a checkpoint'
PAUSED_TRAIN = f'''
import os, runpy, sys
import checkpoint_write_pause

marker = os.environ['PAUSE_MARKER']

def announce(event, args):
    if event in ('os.utime', 'open') and str(args[0]) == marker:
        print({PAUSED!r}, flush=True)

sys.addaudithook(announce)
runpy.run_path('tools/train.py', run_name='__main__')
'''
DEADLINE = 240


@pytest.fixture(scope='module')
def whole_run(tools, tmp_path_factory) -> Path:
    """The work dir of the uninterrupted run."""
    work_dir = tmp_path_factory.mktemp('whole')
    result = tools.train(tools.POSE_COCO, '--work-dir', str(work_dir), *OPTIONS)
    assert result.returncode == 0, tools.tail(result)
    return work_dir


def test_killed_and_resumed_run_matches_uninterrupted_run(tools, tmp_path, whole_run):
    killed_dir = tmp_path / 'killed'
    victim = _Run(tools, tools.train_command(tools.POSE_COCO, '--work-dir', str(killed_dir),
                                             *OPTIONS))
    try:
        # Epoch 2's first iteration is logged once epoch 1's checkpoint is saved and recorded
        # in last_checkpoint (on the same thread), two iterations before epoch 2's is saved.
        victim.wait_for('Epoch(train) [2][1/3]')
    finally:
        victim.kill()
    assert (killed_dir / 'epoch_1.pth').is_file()
    assert not (killed_dir / 'epoch_2.pth').exists(), 'the run ended before it was killed'

    resumed = tools.train(tools.POSE_COCO, '--work-dir', str(killed_dir), *OPTIONS, '--resume')
    assert resumed.returncode == 0, tools.tail(resumed)
    assert 'Auto resumed from the latest checkpoint' in resumed.stdout
    _assert_same_run(tools, whole_run, killed_dir)


def test_killed_while_writing_a_checkpoint_resumes_from_the_last_complete_one(tools, tmp_path,
                                                                             whole_run):
    killed_dir, marker = tmp_path / 'killed', tmp_path / 'writing_epoch_2'
    victim = _Run(tools, [sys.executable, '-c', PAUSED_TRAIN, tools.POSE_COCO, '--work-dir',
                          str(killed_dir), *OPTIONS],
                  {'PYTHONPATH': str(HERE), 'PAUSE_CHECKPOINT_WRITE': 'epoch_2.pth',
                   'PAUSE_MARKER': str(marker)})
    try:
        victim.wait_for(PAUSED)
    finally:
        victim.kill()
    # Half of epoch_2 was on disk, under a temporary name only: every file with a
    # checkpoint's name is complete.
    assert sorted(path.name for path in killed_dir.glob('*.pth')) == ['epoch_1.pth']
    assert is_complete_checkpoint(str(killed_dir / 'epoch_1.pth'))

    resumed = tools.train(tools.POSE_COCO, '--work-dir', str(killed_dir), *OPTIONS, '--resume')
    assert resumed.returncode == 0, tools.tail(resumed)
    assert f'Auto resumed from the latest checkpoint {killed_dir / "epoch_1.pth"}' \
        in resumed.stdout
    assert not list(killed_dir.glob('*.partial'))  # the re-save replaced the half-written one
    _assert_same_run(tools, whole_run, killed_dir)


def test_resume_passes_over_a_truncated_last_checkpoint(tools, tmp_path, whole_run):
    """What a machine crash can leave (the small last_checkpoint write reached the disk, the
    checkpoint's did not), or a run that re-saved a recorded name with another tool."""
    crashed_dir = tmp_path / 'crashed'
    crashed_dir.mkdir()
    for name in ('epoch_1.pth', 'epoch_2.pth'):
        shutil.copy2(whole_run / name, crashed_dir / name)
    last = crashed_dir / 'epoch_2.pth'
    last.write_bytes(last.read_bytes()[:last.stat().st_size // 2])
    (crashed_dir / 'last_checkpoint').write_text(str(last))

    resumed = tools.train(tools.POSE_COCO, '--work-dir', str(crashed_dir), *OPTIONS, '--resume')
    assert resumed.returncode == 0, tools.tail(resumed)
    assert (f'{crashed_dir / "last_checkpoint"} names {last}, which is incomplete (a run '
            f'killed while it saved?); resuming from {crashed_dir / "epoch_1.pth"}, the newest '
            'complete checkpoint') in resumed.stdout
    assert 'resumed epoch: 1, iter: 3' in resumed.stdout
    assert _max_weight_difference(whole_run / 'epoch_2.pth', last) <= 1e-6


def test_a_second_run_into_the_same_work_dir_is_refused(tools, tmp_path):
    work_dir = tmp_path / 'work_dirs' / 'litehrnet_18_coco-sample_256x192'
    long_run = [*OPTIONS, 'train_cfg.max_epochs=100']
    first = _Run(tools, tools.train_command(tools.POSE_COCO, '--work-dir', str(work_dir),
                                            *long_run))
    lock = work_dir / '.train.lock'
    try:
        # Logged once the lock is taken and its holder written.
        first.wait_for('work dir locked by this run')
        second = tools.train(tools.POSE_COCO, '--work-dir', str(work_dir), *long_run,
                             '--resume')
        assert first.process.poll() is None, 'the first run ended before the second one started'
    finally:
        first.kill()
    assert second.returncode != 0
    assert (f'WorkDirInUseError: work dir {work_dir} is in use by another training run (pid '
            f'{first.process.pid} on ') in second.stdout
    assert f'lock {lock})' in second.stdout
    assert 'Epoch(train)' not in second.stdout


class _Run:
    """A tool run in the background, from the repository root; a thread reads its output
    (stdout and stderr together) line by line, so that the pipe never fills and stalls it."""

    def __init__(self, tools, command, env=None):
        self.process = subprocess.Popen(command, cwd=tools.root, env=tools.env(env),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, errors='replace')
        self.lines, self.output = queue.Queue(), []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.put(line)
        self.lines.put(None)  # the end of the output

    def wait_for(self, text: str) -> None:
        """Return once the run wrote a line containing ``text``."""
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f'no {text!r} within {DEADLINE} s:\n{self.tail()}') from None
            assert line is not None, f'the run ended before {text!r}:\n{self.tail()}'
            self.output.append(line)
            if text in line:
                return

    def tail(self) -> str:
        return ''.join(self.output)[-4000:]

    def kill(self) -> None:
        """SIGKILL the run, and wait for it."""
        self.process.kill()
        self.process.wait()


def _assert_same_run(tools, whole_dir: Path, resumed_dir: Path) -> None:
    """The same losses at every iteration (the killed run's, then the resumed one's) and the
    same final weights as the uninterrupted run."""
    whole_losses, resumed_losses = _losses(tools, whole_dir), _losses(tools, resumed_dir)
    assert sorted(whole_losses) == list(range(1, 7))
    assert resumed_losses == whole_losses
    difference = _max_weight_difference(whole_dir / 'epoch_2.pth', resumed_dir / 'epoch_2.pth')
    assert difference <= 1e-6


def _losses(tools, work_dir) -> dict:
    """Iteration -> logged loss, over every run in ``work_dir``."""
    return {s['iter']: s['loss'] for s in tools.scalars(work_dir) if 'loss' in s}


def _max_weight_difference(path_a, path_b) -> float:
    a = load_checkpoint_file(str(path_a))['state_dict']
    b = load_checkpoint_file(str(path_b))['state_dict']
    assert a.keys() == b.keys()
    return max((a[k].double() - b[k].double()).abs().max().item() for k in a)
