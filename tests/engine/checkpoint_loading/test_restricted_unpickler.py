"""The restricted unpickler: every pickle protocol's plain data loads as pickle loads it, and
what a file could use to run code, allocate, or make later work explode is refused."""
import io
import pickle
import re
import struct
import tracemalloc
from collections import OrderedDict

import pytest

from engine.checkpoint_loading.allow_list import checkpoint_allow_list
from engine.checkpoint_loading.errors import Damaged, Refusal
from engine.checkpoint_loading.restricted_unpickler import RestrictedUnpickler
from engine.checkpoint_loading.torch_objects import TensorBudget

PLAIN = {'name': 'litehrnet', 'epoch': 3, 'lr': 1e-3, 'flags': [True, False, None],
         'pair': (1, 2.5), 'nested': {'a': [[1, 2], (3,)], b'raw': b'\x00\xff'},
         'big': 2 ** 70, 'negative': -5, 'set': {1, 2}, 'frozen': frozenset({'x'}),
         'bytearray': bytearray(b'ab'), 'complex': 1 + 2j, 'ordered': OrderedDict(a=1),
         'unicode': 'caf\u00e9 \U0001f600'}


def unpickle(data: bytes):
    return RestrictedUnpickler(checkpoint_allow_list(TensorBudget())).load(io.BytesIO(data))


@pytest.mark.parametrize('protocol', range(0, pickle.HIGHEST_PROTOCOL + 1))
def test_plain_data_of_every_protocol_loads_as_pickle_loads_it(protocol):
    data = pickle.dumps(PLAIN, protocol=protocol)
    assert unpickle(data) == pickle.loads(data)


def test_shared_objects_stay_shared():
    shared = [1, 2]
    loaded = unpickle(pickle.dumps({'a': shared, 'b': shared}, protocol=2))
    assert loaded['a'] is loaded['b']


def nested_lists(levels: int, fan_out: int) -> bytes:
    """Protocol 2: list i holds ``fan_out`` references to list i-1 (a DAG whose tree has
    fan_out**levels leaves, in a few bytes per level)."""
    ops = [b'\x80\x02', b']', b'r' + struct.pack('<I', 0)]
    for level in range(1, levels + 1):
        ops += [b']', b'(', (b'j' + struct.pack('<I', level - 1)) * fan_out, b'e',
                b'r' + struct.pack('<I', level)]
    return b''.join(ops) + b'.'


def test_shared_containers_whose_tree_explodes_are_refused():
    # 2**60 nodes for a naive repr / == / json of it, in 1 KB
    with pytest.raises(Refusal, match=r'visits more than \d+ objects'):
        unpickle(nested_lists(60, 2))


def test_deep_nesting_is_refused_without_recursion():
    with pytest.raises(Refusal, match='nested more than 64 levels'):
        unpickle(nested_lists(100_000, 1))


def test_a_container_holding_itself_is_refused():
    cycle = []
    cycle.append(cycle)
    with pytest.raises(Refusal, match='contains itself'):
        unpickle(pickle.dumps(cycle, protocol=2))


@pytest.mark.parametrize('key, described', [
    ((1, 2), 'a tuple of 2 items'), (1.5, '1.5'), (2 ** 61, str(2 ** 61)),
    (frozenset(), 'a frozenset of 0 items')])
def test_keys_whose_hashes_a_file_could_make_collide_are_refused(key, described):
    with pytest.raises(Refusal, match=rf'{re.escape(described)} as a dictionary key'):
        unpickle(pickle.dumps({key: 0}, protocol=2))


def test_huge_integers_are_refused():
    with pytest.raises(Refusal, match='integer of 8001 bits'):
        unpickle(pickle.dumps(2 ** 8000, protocol=2))


@pytest.mark.parametrize('global_', ['os system', 'builtins eval', 'subprocess Popen',
                                     'torch load', 'numpy load', '__builtin__ exec'])
def test_globals_off_the_allow_list_are_refused_by_name(global_):
    module, name = global_.split()
    data = b'\x80\x02c' + f'{module}\n{name}\n'.encode() + b'X\x02\x00\x00\x00idq\x00\x85R.'
    with pytest.raises(Refusal, match=rf'{module.replace("__builtin__", "builtins")}\.{name}'):
        unpickle(data)


def test_out_of_band_buffers_and_extensions_are_refused():
    with pytest.raises(Refusal, match='NEXT_BUFFER'):
        unpickle(b'\x80\x05\x97.')
    with pytest.raises(Refusal, match='EXT1'):
        unpickle(b'\x80\x02\x82\x01.')


def test_a_length_field_beyond_the_data_allocates_nothing():
    # BINBYTES8 claiming 2**40 bytes: pickletools checks the length against what is there
    tracemalloc.start()
    with pytest.raises(Damaged, match='truncated'):
        unpickle(b'\x80\x04\x8e' + struct.pack('<Q', 2 ** 40) + b'abc.')
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 ** 20


@pytest.mark.parametrize('data', [b'\x80\x02', b'\x80\x02t.', b'\x80\x02)R.', b'\x80\x02q\x00.',
                                  b'\x80\x02h\x05.', b'\x80\x02\xff.', b'\x80\x09N.'])
def test_malformed_pickles_are_one_error(data):
    with pytest.raises((Damaged, Refusal)):
        unpickle(data)
