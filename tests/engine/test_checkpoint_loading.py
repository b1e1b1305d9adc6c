"""Weights-only loading: mmengine's checkpoints load, crafted ones that would run code or read
memory outside their data are refused before anything in them runs, and the refusal is about
checkpoint loading only."""
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from torch._tensor import _rebuild_from_type_v2

from engine import UnsafeCheckpointError, load_checkpoint_file, runner_checkpoint_loading

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct
except ImportError:  # numpy 1.x
    from numpy.core.multiarray import _reconstruct


class Call:
    """Pickles as ``func(*args)``, as a crafted file calls a global."""

    def __init__(self, func, *args) -> None:
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


class Built:
    """Pickles as ``func(*args)`` followed by BUILD with ``state``."""

    def __init__(self, func, args, state) -> None:
        self.func, self.args, self.state = func, args, state

    def __reduce__(self):
        return self.func, self.args, self.state


def getattr_gadget(marker) -> Call:
    """``open(marker, 'w')`` reached through getattr alone: a function's ``__builtins__`` holds
    ``open`` (and ``exec``), and torch's allow-listed ``_rebuild_from_type_v2`` calls any
    object it is given."""
    mean = Call(getattr, HistoryBuffer, 'mean')
    builtins_dict = Call(getattr, mean, '__builtins__')
    get = Call(getattr, builtins_dict, 'get')
    builtin_type = Call(getattr, get, '__class__')  # the type of open, so no error in between
    open_ = Call(_rebuild_from_type_v2, get, builtin_type, ('open',), None)
    return Call(_rebuild_from_type_v2, open_, builtin_type, (str(marker), 'w'), None)


def crafted_array(spec: str, dtype_state: tuple, shape: tuple, data: bytes) -> Built:
    """A numpy array pickle whose dtype state and data are the file's to choose."""
    dtype = Built(np.dtype, (spec, False, True), dtype_state)
    return Built(_reconstruct, (np.ndarray, (0,), b'b'), (1, shape, dtype, False, data))


def save(tmp_path, payload, name='crafted.pth'):
    path = tmp_path / name
    torch.save({'state_dict': {'weight': torch.ones(2)}, 'meta': {'note': payload}}, path)
    return path


def test_getattr_gadget_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / 'created_by_the_checkpoint.txt'
    path = save(tmp_path, getattr_gadget(marker))
    with pytest.raises(UnsafeCheckpointError) as error:
        load_checkpoint_file(str(path))
    message = str(error.value)
    assert message.startswith(f'refused to load checkpoint {path}: ')
    assert "'__builtins__'); builtins.getattr is allowed only for the statistics methods of " \
           'HistoryBuffer' in message
    assert '--trust-checkpoint' in message
    assert not marker.exists()


@pytest.mark.parametrize('name', ['__init__', '__dict__', 'update'])
def test_getattr_reaches_nothing_but_history_buffer_statistics(tmp_path, name):
    path = save(tmp_path, Call(getattr, HistoryBuffer, name))
    with pytest.raises(UnsafeCheckpointError, match=rf"getattr\(.*HistoryBuffer'>, '{name}'\)"):
        load_checkpoint_file(str(path))


PLAIN_F8 = (3, '<', None, None, None, -1, -1, 0)
OBJECT = (3, '|', None, None, None, -1, -1, 63)
CRAFTED_NUMPY = {
    # object items: the data bytes would be read as pointers
    'object': crafted_array('O', OBJECT, (1,), b'\x00' * 8),
    'object-buffer': Call(np.ndarray, (1,), Built(np.dtype, ('O', False, True), OBJECT),
                          b'\x00' * 8),
    # a field 100 bytes into an 8-byte item: reads past the buffer
    'field-offset': crafted_array(
        'V8', (3, '|', None, ('a',), {'a': (np.dtype('f8'), 100)}, 8, 1, 0), (1,), b'\x00' * 8),
    # 1000 float32 in each 8-byte item: reads 3992 bytes past the buffer
    'sub-array': crafted_array('f8', (3, '<', (np.dtype('f4'), (1000,)), None, None, -1, -1, 0),
                               (1,), b'\x00' * 8),
    # an item size of its own: 1000-byte strings over 8 bytes
    'item-size': crafted_array('S8', (3, '|', None, None, None, 1000, 1, 0), (1,), b'\x00' * 8),
    # bytes that do not fill the shape
    'short-data': crafted_array('f8', PLAIN_F8, (4,), b'\x00' * 8),
    # an array over a buffer, which numpy's pickles never use
    'buffer': Call(np.ndarray, (1,), Built(np.dtype, ('f8', False, True), PLAIN_F8),
                   b'\x00' * 8),
}


@pytest.mark.parametrize('name', sorted(CRAFTED_NUMPY))
def test_numpy_objects_that_reach_outside_their_data_are_refused(tmp_path, name):
    path = save(tmp_path, CRAFTED_NUMPY[name])
    with pytest.raises(UnsafeCheckpointError, match='outside the allow-list: numpy'):
        load_checkpoint_file(str(path))


def test_plain_numpy_objects_load_as_saved(tmp_path):
    meta = dict(
        arrays=[np.arange(6).astype(dtype).reshape(2, 3) for dtype in
                ('?', 'i1', 'u2', '>i4', 'i8', 'f2', 'f4', '>f8', 'c8', 'c16')],
        fortran=np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        empty=np.zeros((0, 3), np.float32),
        strings=np.array(['nose', 'left_eye']), raw=np.array([b'ab', b'c']),
        scalars=(np.float32(0.5), np.int64(7), np.bool_(True)),
        dtypes={np.dtype('f4'), np.dtype('>i2')})
    meta['shared'] = [meta['empty'], meta['empty']]
    buffer = HistoryBuffer()
    for value in (1.0, 3.0):
        buffer.update(value)
    path = tmp_path / 'plain.pth'
    torch.save({'state_dict': {'weight': torch.ones(2)}, 'meta': meta,
                'message_hub': {'log_scalars': {'train/loss': buffer}}}, path)

    loaded = load_checkpoint_file(str(path))
    # Identical pickles: mmengine's resume compares the dataset meta this way.
    assert pickle.dumps(loaded['meta']) == pickle.dumps(meta)
    assert loaded['meta']['shared'][0] is loaded['meta']['shared'][1]
    assert loaded['meta']['arrays'][0].flags.writeable
    history = loaded['message_hub']['log_scalars']['train/loss']
    assert history.mean() == 2.0 and history.statistics('max') == 3.0


def test_runner_loads_are_checked_and_named(toy_runner, tmp_path):
    marker = tmp_path / 'created_by_the_checkpoint.txt'
    runner = toy_runner()
    runner.train()  # iter_2.pth ... iter_6.pth, with the message hub's HistoryBuffers
    path = tmp_path / 'work' / 'iter_2.pth'
    state = torch.load(path, weights_only=False)
    state['meta']['note'] = getattr_gadget(marker)
    crafted = tmp_path / 'crafted_iter_2.pth'
    torch.save(state, crafted)

    with runner_checkpoint_loading(trust=False):
        toy_runner(work_dir=str(tmp_path / 'resumed'), resume=True, load_from=str(path),
                   train_cfg=dict(by_epoch=False, max_iters=4)).train()
        with pytest.raises(UnsafeCheckpointError, match=f'refused to load checkpoint {crafted}'):
            toy_runner(work_dir=str(tmp_path / 'refused'), resume=True,
                       load_from=str(crafted)).train()
    assert not marker.exists()


def test_only_checkpoint_loading_is_relabelled():
    """An UnpicklingError of something else in the run (a dataset's pickle, a worker) is not
    reported as a refused checkpoint."""
    with pytest.raises(pickle.UnpicklingError, match='truncated annotation file'):
        with runner_checkpoint_loading(trust=False):
            raise pickle.UnpicklingError('truncated annotation file')


def test_trust_switches_off_weights_only_for_the_load_only(toy_runner, tmp_path):
    toy_runner().train()
    marker = tmp_path / 'created_by_the_checkpoint.txt'
    state = torch.load(tmp_path / 'work' / 'iter_2.pth', weights_only=False)
    state['meta']['note'] = getattr_gadget(marker)
    crafted = tmp_path / 'trusted.pth'
    torch.save(state, crafted)
    with runner_checkpoint_loading(trust=True):
        assert 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD' not in os.environ
        runner = toy_runner(work_dir=str(tmp_path / 'trusted'), resume=True,
                            load_from=str(crafted))
        with pytest.raises(AttributeError, match='as_subclass'):  # the gadget's own end
            runner.train()
    assert marker.exists()  # what --trust-checkpoint means
