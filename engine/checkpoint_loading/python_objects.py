"""Python's own objects that checkpoints pickle by calling a global: ordered dicts, counters,
sets, complex numbers, and bytes as pickle protocol 2 writes them.

Each entry accepts only the arguments the pickler writes, so that none allocates more than its
arguments already hold (``bytearray(2 * 10**9)`` and ``_codecs.encode(x, 'hex')`` chains are
refused).
"""
from collections import Counter, OrderedDict
from typing import Any, Dict

from .errors import Refusal, describe
from .restricted_unpickler import Allowed, AllowList, check_keys


class _OrderedDict(Allowed):
    """``OrderedDict()``; its items follow with SETITEMS, its ``_metadata`` (a state dict's
    version record) with BUILD (:func:`build_ordered_dict`)."""

    def call(self, args: tuple) -> OrderedDict:
        if args:
            raise Refusal('collections.OrderedDict with arguments')
        return OrderedDict()


def build_ordered_dict(instance: OrderedDict, state: Any) -> None:
    """BUILD of an ``OrderedDict``: a module state dict's ``_metadata``, and nothing else."""
    if type(state) is tuple and len(state) == 2 and state[1] is None:
        state = state[0]
    if not (type(state) is dict and set(state) == {'_metadata'}
            and type(state['_metadata']) in (dict, OrderedDict)):
        raise Refusal('OrderedDict attributes other than a state dict\'s _metadata')
    instance._metadata = state['_metadata']


class _Counter(Allowed):
    """``Counter(dict)``, as a MultiStepLR's milestones pickle."""

    def call(self, args: tuple) -> Counter:
        if not (len(args) <= 1 and (not args or type(args[0]) is dict)
                and all(type(v) in (int, float) for v in (args[0].values() if args else ()))):
            raise Refusal('collections.Counter of anything but a dictionary of counts')
        return Counter(*args)


class _SetType(Allowed):
    """``set(list)`` and ``frozenset(list)``, of items that may be set items."""

    def __init__(self, name: str, kind: type, allow: AllowList) -> None:
        super().__init__(name)
        self.kind, self.allow = kind, allow

    def call(self, args: tuple) -> Any:
        if len(args) > 1 or args and type(args[0]) is not list:
            raise Refusal(f'{self.name} of anything but a list')
        return self.kind(check_keys(args[0] if args else (), self.allow))


class _Complex(Allowed):
    def call(self, args: tuple) -> complex:
        if not (len(args) == 2 and all(type(part) in (int, float) for part in args)):
            raise Refusal('complex of anything but two numbers')
        return complex(*args)


class _Bytes(Allowed):
    """``bytes()``: protocol 2's way to write ``b''`` (other bytes come through
    ``_codecs.encode``)."""

    def call(self, args: tuple) -> bytes:
        if args:
            raise Refusal('bytes() with arguments')
        return b''


class _ByteArray(Allowed):
    """``bytearray()``, ``bytearray(bytes)`` or ``bytearray(str, 'latin-1')``, never
    ``bytearray(n)`` (n zero bytes of the file's choosing)."""

    def call(self, args: tuple) -> bytearray:
        if not args:
            return bytearray()
        if len(args) == 1 and type(args[0]) is bytes:
            return bytearray(args[0])
        return bytearray(_latin1(args, 'bytearray'))


class _Encode(Allowed):
    """``_codecs.encode(str, 'latin1')``: protocol 2's way to write bytes."""

    def call(self, args: tuple) -> bytes:
        return _latin1(args, '_codecs.encode')


def _latin1(args: tuple, name: str) -> bytes:
    if not (len(args) == 2 and type(args[0]) is str and args[1] in ('latin1', 'latin-1')):
        raise Refusal(f'{name} of anything but a string in latin-1 (got '
                      f'{", ".join(describe(arg) for arg in args)})')
    try:
        return args[0].encode('latin-1')
    except UnicodeError:
        raise Refusal(f'{name} of a string that is not latin-1') from None


def python_globals(allow: AllowList) -> Dict[str, Allowed]:
    """The entries above, by the names pickles use (sets check their items against
    ``allow``)."""
    return {
        'collections.OrderedDict': _OrderedDict('collections.OrderedDict'),
        'collections.Counter': _Counter('collections.Counter'),
        'builtins.set': _SetType('builtins.set', set, allow),
        'builtins.frozenset': _SetType('builtins.frozenset', frozenset, allow),
        'builtins.complex': _Complex('builtins.complex'),
        'builtins.bytes': _Bytes('builtins.bytes'),
        'builtins.bytearray': _ByteArray('builtins.bytearray'),
        '_codecs.encode': _Encode('_codecs.encode'),
    }
