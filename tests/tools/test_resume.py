"""A run killed (SIGKILL) after its first checkpoint and resumed with --resume ends with the
weights and logged losses of an uninterrupted run: same seed, --deterministic, checkpoints
loaded weights-only through engine's allow-list (no --trust-checkpoint)."""
import os
import signal
import subprocess
import time

from engine import load_checkpoint_file

# 2 epochs of 3 iterations (6 of the COCO sample's people, batches of 2), a checkpoint per
# epoch, every iteration's raw loss logged, no validation; random flips, scalings and
# rotations on.
OPTIONS = ['--seed', '7', '--deterministic', '--cfg-options', 'train_cfg.max_epochs=2',
           'train_dataloader.batch_size=2', 'train_dataloader.dataset.indices=6',
           'default_hooks.checkpoint.interval=1', 'default_hooks.checkpoint.max_keep_ckpts=2',
           'default_hooks.checkpoint.save_best=None', 'default_hooks.logger.interval=1',
           'log_processor.window_size=1', 'val_cfg=None', 'val_dataloader=None',
           'val_evaluator=None']


def test_killed_and_resumed_run_matches_uninterrupted_run(tools, tmp_path):
    whole_dir, killed_dir = tmp_path / 'whole', tmp_path / 'killed'
    env = tools.env()
    # The uninterrupted run and the run to kill share the 2 cores.
    whole = subprocess.Popen(
        tools.train_command(tools.POSE_COCO, '--work-dir', str(whole_dir), *OPTIONS),
        cwd=tools.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    victim = subprocess.Popen(
        tools.train_command(tools.POSE_COCO, '--work-dir', str(killed_dir), *OPTIONS),
        cwd=tools.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    _kill_after_first_checkpoint(victim, killed_dir)
    assert (killed_dir / 'epoch_1.pth').is_file()
    assert not (killed_dir / 'epoch_2.pth').exists(), 'the run ended before it was killed'

    resumed = tools.train(tools.POSE_COCO, '--work-dir', str(killed_dir), *OPTIONS, '--resume')
    assert resumed.returncode == 0, tools.tail(resumed)
    assert 'Auto resumed from the latest checkpoint' in resumed.stdout
    assert whole.wait(timeout=240) == 0

    whole_losses, resumed_losses = _losses(tools, whole_dir), _losses(tools, killed_dir)
    assert sorted(whole_losses) == list(range(1, 7))
    assert resumed_losses == whole_losses  # iterations 1.. of the killed run, then the resumed
    difference = _max_weight_difference(whole_dir / 'epoch_2.pth', killed_dir / 'epoch_2.pth')
    assert difference <= 1e-6


def _kill_after_first_checkpoint(process: subprocess.Popen, work_dir) -> None:
    """SIGKILL ``process`` as soon as it has recorded its first checkpoint."""
    deadline = time.monotonic() + 240
    while not (work_dir / 'last_checkpoint').exists():
        assert process.poll() is None, 'the run to kill ended on its own'
        assert time.monotonic() < deadline, 'no checkpoint within the time limit'
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _losses(tools, work_dir) -> dict:
    """Iteration -> logged loss, over every run in ``work_dir``."""
    return {s['iter']: s['loss'] for s in tools.scalars(work_dir) if 'loss' in s}


def _max_weight_difference(path_a, path_b) -> float:
    a = load_checkpoint_file(str(path_a))['state_dict']
    b = load_checkpoint_file(str(path_b))['state_dict']
    assert a.keys() == b.keys()
    return max((a[k].double() - b[k].double()).abs().max().item() for k in a)
