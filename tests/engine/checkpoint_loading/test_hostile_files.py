"""Hostile and damaged files (issue Reliability III, points 2 to 4): none runs code, changes
the process, or makes the loader do more than its size allows, and every failure is one
CheckpointError that names the file."""
import codecs
import os
import random
import tracemalloc
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from torch._tensor import _rebuild_from_type_v2
from torch._utils import _rebuild_tensor_v2

from engine import CheckpointError, UnsafeCheckpointError, load_checkpoint_file

from .conftest import Built, Call, New, write_archive

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct
except ImportError:  # numpy 1.x
    from numpy.core.multiarray import _reconstruct


def load(path):
    return load_checkpoint_file(str(path))


# Code execution.

def getattr_gadget(marker) -> Call:
    """``open(marker, 'w')`` reached through getattr alone: a function's ``__builtins__`` holds
    ``open``, and torch's allow-listed ``_rebuild_from_type_v2`` calls any object it is
    given."""
    mean = Call(getattr, HistoryBuffer, 'mean')
    builtins_dict = Call(getattr, mean, '__builtins__')
    get = Call(getattr, builtins_dict, 'get')
    builtin_type = Call(getattr, get, '__class__')
    open_ = Call(_rebuild_from_type_v2, get, builtin_type, ('open',), None)
    return Call(_rebuild_from_type_v2, open_, builtin_type, (str(marker), 'w'), None)


@pytest.mark.parametrize('protocol', [2, 4])
def test_the_getattr_gadget_is_refused_and_nothing_runs(save, tmp_path, protocol):
    marker = tmp_path / 'created_by_the_checkpoint.txt'
    path = save(getattr_gadget(marker), pickle_protocol=protocol)
    with pytest.raises(UnsafeCheckpointError) as error:
        load(path)
    assert error.value.path == str(path)
    assert 'getattr' in error.value.reason and '__builtins__' in error.value.reason
    assert '--trust-checkpoint' in str(error.value)
    assert not marker.exists()


def test_a_plain_code_running_global_is_refused(save, tmp_path):
    marker = tmp_path / 'opened.txt'
    path = save(Call(open, str(marker), 'w'))
    with pytest.raises(UnsafeCheckpointError, match=r'the global (io|builtins)\.open'):
        load(path)
    assert not marker.exists()


# Changing the process: HistoryBuffer's class-wide statistics methods.

def crafted_buffer(methods) -> New:
    return New(HistoryBuffer, {'max_length': 10, '_log_history': np.array([1.0, 3.0]),
                               '_count_history': np.array([1, 1]),
                               'statistics_methods': methods})


def test_a_buffer_cannot_rebind_the_statistics_of_every_buffer(save):
    HistoryBuffer()  # registers the four default methods, as any run has
    path = save(crafted_buffer({'mean': Call(getattr, HistoryBuffer, 'max')}))
    with pytest.raises(UnsafeCheckpointError, match='HistoryBuffer statistics methods'):
        load(path)
    assert HistoryBuffer._statistics_methods['mean'] is HistoryBuffer.mean
    buffer = HistoryBuffer([1.0, 3.0], [1, 1])
    assert buffer.statistics('mean') == 2.0


def test_a_genuine_buffer_loads_and_changes_nothing_shared(save):
    HistoryBuffer()
    before = dict(HistoryBuffer._statistics_methods)
    buffer = load(save(crafted_buffer({name: Call(getattr, HistoryBuffer, name) for name in
                                       ('min', 'max', 'current', 'mean')})))['meta']['note']
    assert buffer.statistics('mean') == 2.0 and buffer.statistics('max') == 3.0
    assert HistoryBuffer._statistics_methods == before
    assert 'statistics_methods' not in vars(buffer)


@pytest.mark.parametrize('state', [
    {'max_length': 10, '_log_history': [1.0] * 3, '_count_history': [1] * 3},  # lists
    {'max_length': 1, '_log_history': np.ones(3), '_count_history': np.ones(3)},  # too long
    {'max_length': 10, '_log_history': np.ones(3), '_count_history': np.ones(2)},
    {'max_length': 10, '_log_history': np.ones((2, 2)), '_count_history': np.ones(2)},
    {'max_length': 10, '_log_history': np.ones(1), '_count_history': np.ones(1), 'x': 1},
])
def test_buffer_states_are_validated(save, state):
    with pytest.raises(UnsafeCheckpointError, match='HistoryBuffer'):
        load(save(New(HistoryBuffer, state)))


# Bounded work and memory.

def test_a_stride_0_view_of_a_huge_size_is_refused(save):
    storage = torch.ones(1).storage()
    view = Call(_rebuild_tensor_v2, storage, 0, (10 ** 18,), (0,), False, OrderedDict())
    with pytest.raises(UnsafeCheckpointError, match='tensors claim'):
        load(save(view))


def test_the_statistics_method_gadget_over_a_view_is_refused(save):
    storage = torch.ones(1).storage()
    view = Call(_rebuild_tensor_v2, storage, 0, (10 ** 18,), (0,), False, OrderedDict())
    gadget = Call(_rebuild_from_type_v2, Call(getattr, HistoryBuffer, 'mean'), torch.Tensor,
                  (New(HistoryBuffer, {'max_length': 1, '_log_history': view,
                                       '_count_history': view}),), None)
    with pytest.raises(UnsafeCheckpointError):
        load(save(gadget))


def test_a_view_outside_its_storage_is_refused(save):
    storage = torch.ones(4).storage()
    view = Call(_rebuild_tensor_v2, storage, 2, (4,), (1,), False, OrderedDict())
    with pytest.raises(UnsafeCheckpointError, match='outside its storage'):
        load(save(view))


NESTED = [[[0] * 10] * 10] * 10  # 1000 leaves behind 3 levels of shared lists


@pytest.mark.parametrize('name, payload, reason', [
    ('bytearray(n)', Call(bytearray, 2 * 10 ** 9), 'bytearray'),
    ('hex codec', Call(codecs.encode, Call(codecs.encode, 'x' * 64, 'hex'), 'hex'),
     '_codecs.encode'),
    ('HistoryBuffer(L, L)', Call(HistoryBuffer, NESTED, NESTED), 'HistoryBuffer'),
    ('numpy.ndarray(buffer)', Call(np.ndarray, (10 ** 9,), np.dtype('f8'), b'\x00' * 8),
     'numpy'),
])
def test_allocations_of_the_files_choosing_are_refused(save, name, payload, reason):
    tracemalloc.start()
    with pytest.raises(UnsafeCheckpointError, match=reason) as error:
        load(save(payload))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * 2 ** 20, name
    assert len(str(error.value)) < 600  # no repr of the file's objects


def test_a_refusal_never_prints_the_files_objects_whole(save):
    huge = ['x' * 1000] * 1000
    with pytest.raises(UnsafeCheckpointError) as error:
        load(save(Call(bytearray, huge, huge)))
    assert len(str(error.value)) < 600 and 'a list of 1000 items' in str(error.value)


def test_a_compressed_pickle_is_refused_before_it_expands(tmp_path):
    # 64 MB of pickle in a ~64 KB file
    bomb = b'\x80\x02]q\x00(' + b'K\x00' * (32 * 2 ** 20) + b'e.'
    path = write_archive(tmp_path / 'bomb.pth', bomb, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 2 ** 20
    tracemalloc.start()
    with pytest.raises(CheckpointError, match=r'archive/data\.pkl is compressed'):
        load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 ** 20


def test_a_storage_smaller_than_its_tensor_claims_is_refused(tmp_path):
    data = torch.ones(3)
    path = tmp_path / 'short.pth'
    torch.save({'w': data}, path)
    with zipfile.ZipFile(path) as archive:
        records = {name.split('/')[-1]: archive.read(name) for name in archive.namelist()
                   if '/data/' in name}
        pickled = archive.read(next(name for name in archive.namelist()
                                    if name.endswith('/data.pkl')))
    short = write_archive(tmp_path / 'crafted.pth', pickled,
                          {key: value[:4] for key, value in records.items()})
    with pytest.raises(CheckpointError, match=r'storage \w+ holds 4 bytes\b.*\bneed 12\b'):
        load(short)


CRAFTED_NUMPY = {
    # object items: the data bytes would be read as pointers
    'object': Built(_reconstruct, (np.ndarray, (0,), b'b'),
                    (1, (1,), Built(np.dtype, ('O', False, True),
                                    (3, '|', None, None, None, -1, -1, 63)), False, b'\0' * 8)),
    # a field 100 bytes into an 8-byte item: reads past the buffer
    'field-offset': Built(_reconstruct, (np.ndarray, (0,), b'b'), (1, (1,), Built(
        np.dtype, ('V8', False, True),
        (3, '|', None, ('a',), {'a': (np.dtype('f8'), 100)}, 8, 1, 0)), False, b'\0' * 8)),
    # 1000 float32 in each 8-byte item
    'sub-array': Built(_reconstruct, (np.ndarray, (0,), b'b'), (1, (1,), Built(
        np.dtype, ('f8', False, True),
        (3, '<', (np.dtype('f4'), (1000,)), None, None, -1, -1, 0)), False, b'\0' * 8)),
    # an item size of its own
    'item-size': Built(_reconstruct, (np.ndarray, (0,), b'b'), (1, (1,), Built(
        np.dtype, ('S8', False, True), (3, '|', None, None, None, 1000, 1, 0)), False,
        b'\0' * 8)),
    # bytes that do not fill the shape
    'short-data': Built(_reconstruct, (np.ndarray, (0,), b'b'), (1, (4,), Built(
        np.dtype, ('f8', False, True), (3, '<', None, None, None, -1, -1, 0)), False,
        b'\0' * 8)),
}


@pytest.mark.parametrize('name', sorted(CRAFTED_NUMPY))
def test_numpy_objects_that_reach_outside_their_data_are_refused(save, name):
    with pytest.raises(UnsafeCheckpointError, match='numpy'):
        load(save(CRAFTED_NUMPY[name]))


# Every failure is one named error.

def test_an_empty_file_is_named(tmp_path):
    path = tmp_path / 'empty.pth'
    path.write_bytes(b'')
    with pytest.raises(CheckpointError, match='the file is empty') as error:
        load(path)
    assert error.value.path == str(path)


def test_a_web_page_is_not_a_checkpoint(tmp_path):
    path = tmp_path / 'model.pth'
    path.write_text('<!DOCTYPE html>\n<html><body>Sign in to continue</body></html>')
    with pytest.raises(CheckpointError, match='HTML or XML page') as error:
        load(path)
    assert not isinstance(error.value, UnsafeCheckpointError)
    assert '--trust-checkpoint' not in str(error.value)


def test_a_plain_pickle_is_not_a_checkpoint(tmp_path):
    path = tmp_path / 'plain.pkl'
    path.write_bytes(b'\x80\x04K\x01.')
    with pytest.raises(CheckpointError, match='not a torch checkpoint'):
        load(path)


def test_a_torchscript_module_is_named(tmp_path):
    path = tmp_path / 'scripted.pt'
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), str(path))
    with pytest.raises(CheckpointError, match='TorchScript'):
        load(path)


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    path = tmp_path / 'fifo.pth'
    os.mkfifo(path)
    with pytest.raises(CheckpointError, match='not a regular file'):
        load(path)


@pytest.fixture(scope='module')
def genuine_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp('genuine') / 'genuine.pth'
    buffer = HistoryBuffer()
    buffer.update(1.0)
    torch.save({'state_dict': OrderedDict(w=torch.arange(6.0).reshape(2, 3), b=torch.ones(2)),
                'meta': {'epoch': 3, 'sigmas': np.arange(4, dtype=np.float32)},
                'message_hub': {'log_scalars': {'loss': buffer}}}, path)
    return path.read_bytes()


@pytest.mark.parametrize('cut', [1, 10, 100, 0.5, 0.9, -22, -1])
def test_a_truncated_file_is_named(tmp_path, genuine_bytes, cut):
    length = int(len(genuine_bytes) * cut) if isinstance(cut, float) else cut % len(
        genuine_bytes)
    path = tmp_path / 'truncated.pth'
    path.write_bytes(genuine_bytes[:length])
    with pytest.raises(CheckpointError) as error:
        load(path)
    assert error.value.path == str(path)


def test_damaged_bytes_load_or_fail_with_the_named_error(tmp_path, genuine_bytes):
    """Flipped bytes anywhere in a genuine file: each load returns or raises
    CheckpointError, nothing else (no TypeError, RecursionError, raw torch error, hang)."""
    rng = random.Random(0)
    path = tmp_path / 'damaged.pth'
    outcomes = set()
    for _ in range(400):
        data = bytearray(genuine_bytes)
        for _ in range(rng.choice((1, 2, 8))):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        try:
            load(path)
            outcomes.add('loaded')
        except CheckpointError as error:
            assert error.path == str(path)
            outcomes.add(type(error).__name__)
    assert {'loaded', 'CheckpointError'} <= outcomes
