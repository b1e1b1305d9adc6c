"""resume_checkpoint: --resume goes past a missing, empty or truncated last checkpoint to the
newest complete one, and says so; is_complete_checkpoint tells a truncated file."""
import os
import time

import pytest
import torch

from engine import NoCompleteCheckpointError, is_complete_checkpoint, resume_checkpoint


def save(path, value: float, age: float = 0.0):
    """A checkpoint whose modification time is ``age`` seconds in the past."""
    torch.save({'state_dict': {'weight': torch.full((64,), value)}}, path)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def truncate(path, keep: float = 0.5):
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


def record(work, path) -> None:
    (work / 'last_checkpoint').write_text(str(path))


@pytest.mark.parametrize('keep', [0.0, 0.1, 0.5, 0.99])
def test_truncated_checkpoints_are_incomplete(tmp_path, keep):
    path = save(tmp_path / 'iter_1.pth', 1.0)
    assert is_complete_checkpoint(str(path))
    assert not is_complete_checkpoint(str(truncate(path, keep)))
    assert not is_complete_checkpoint(str(tmp_path / 'missing.pth'))


def test_a_complete_last_checkpoint_is_left_to_mmengine(tmp_path):
    record(tmp_path, save(tmp_path / 'iter_2.pth', 2.0))
    assert resume_checkpoint(str(tmp_path)) == (None, None)
    assert resume_checkpoint(str(tmp_path / 'nothing_saved_yet')) == (None, None)


@pytest.mark.parametrize('damage', ['truncated', 'missing', 'empty record'])
def test_an_incomplete_last_checkpoint_falls_back_to_the_newest_complete_one(tmp_path,
                                                                             damage):
    older = save(tmp_path / 'iter_1.pth', 1.0, age=20)
    newest_complete = save(tmp_path / 'iter_2.pth', 2.0, age=10)
    last = truncate(save(tmp_path / 'iter_3.pth', 3.0))
    if damage == 'missing':
        last.unlink()
    record(tmp_path, '' if damage == 'empty record' else last)
    checkpoint, note = resume_checkpoint(str(tmp_path))
    assert checkpoint == str(newest_complete) != str(older)
    assert f'resuming from {newest_complete}' in note and 'newest complete' in note
    if damage != 'empty record':
        assert f'names {last}, which is {"missing" if damage == "missing" else "incomplete"}' \
            in note


def test_no_complete_checkpoint_left_is_an_error(tmp_path):
    record(tmp_path, truncate(save(tmp_path / 'iter_1.pth', 1.0)))
    with pytest.raises(NoCompleteCheckpointError, match='holds no complete checkpoint'):
        resume_checkpoint(str(tmp_path))
