"""AtomicCheckpointHook: a save that dies half-way leaves no truncated file under a checkpoint's
name, and the complete checkpoint of that name, if there was one, stays as it was.

(tests/tools/test_resume.py kills a real tools/train.py while it writes.)"""
import pytest
import torch
from mmengine.fileio.backends.local_backend import LocalBackend

from engine import checkpoint_trust, is_complete_checkpoint, load_checkpoint_file

CHECKPOINT_EVERY_ITERATION = dict(checkpoint=dict(type='CheckpointHook', interval=1,
                                                  by_epoch=False))


class WriterKilled(BaseException):
    """Stands for the end of a process in the middle of a write (not an Exception: nothing in
    mmengine catches it)."""


@pytest.fixture
def dies_writing(monkeypatch):
    """``dies_writing('iter_3.pth')``: from now on, writing a file whose name starts with that
    writes half of its bytes and stops there."""
    def arm(name: str) -> None:
        put = LocalBackend.put

        def put_half(self, obj: bytes, filepath) -> None:
            if str(filepath).rsplit('/', 1)[-1].startswith(name):
                put(self, obj[:len(obj) // 2], filepath)
                raise WriterKilled(filepath)
            put(self, obj, filepath)
        monkeypatch.setattr(LocalBackend, 'put', put_half)
    return arm


@pytest.mark.parametrize('atomic', [True, False])
def test_a_save_that_dies_leaves_no_truncated_checkpoint(toy_runner, tmp_path, dies_writing,
                                                         atomic):
    hooks = [dict(type='AtomicCheckpointHook')] if atomic else []
    runner = toy_runner(custom_hooks=hooks, default_hooks=CHECKPOINT_EVERY_ITERATION)
    dies_writing('iter_3.pth')
    with pytest.raises(WriterKilled):
        runner.train()
    work = tmp_path / 'work'
    assert (work / 'last_checkpoint').read_text().strip() == str(work / 'iter_2.pth')
    checkpoints = sorted(path.name for path in work.glob('*.pth'))
    if atomic:
        assert checkpoints == ['iter_1.pth', 'iter_2.pth']
        assert all(is_complete_checkpoint(str(path)) for path in work.glob('*.pth'))
        assert not list(work.glob('*.partial'))  # removed: this process saw its save fail
    else:  # mmengine alone: the failure the hook prevents
        assert checkpoints == ['iter_1.pth', 'iter_2.pth', 'iter_3.pth']
        assert not is_complete_checkpoint(str(work / 'iter_3.pth'))


def test_a_resave_that_dies_keeps_the_complete_checkpoint_of_that_name(toy_runner, tmp_path,
                                                                      dies_writing):
    """A run resumed from iter_2 re-saves iter_4.pth, which last_checkpoint of the first run
    names; dying during that write must not cost the first run's iter_4."""
    hooks = [dict(type='AtomicCheckpointHook')]
    toy_runner(custom_hooks=hooks, default_hooks=CHECKPOINT_EVERY_ITERATION,
               train_cfg=dict(by_epoch=False, max_iters=4)).train()
    work = tmp_path / 'work'
    before = load_checkpoint_file(str(work / 'iter_4.pth'))['state_dict']['weight']
    resumed = toy_runner(custom_hooks=hooks, default_hooks=CHECKPOINT_EVERY_ITERATION,
                         train_cfg=dict(by_epoch=False, max_iters=4), resume=True,
                         load_from=str(work / 'iter_2.pth'))
    dies_writing('iter_4.pth')
    with pytest.raises(WriterKilled), checkpoint_trust(trust=False):
        resumed.train()
    after = load_checkpoint_file(str(work / 'iter_4.pth'))['state_dict']['weight']
    assert torch.equal(before, after)


def test_the_runner_method_is_restored_after_the_run(toy_runner):
    runner = toy_runner(custom_hooks=[dict(type='AtomicCheckpointHook')],
                        train_cfg=dict(by_epoch=False, max_iters=2))
    runner.train()
    assert 'save_checkpoint' not in vars(runner)
