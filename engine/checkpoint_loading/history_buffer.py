"""mmengine's ``HistoryBuffer`` (the message hub's logged scalars), rebuilt from validated
data.

Its pickle is ``HistoryBuffer.__new__`` followed by BUILD with its attributes, among them
``statistics_methods``: references to its four statistics methods (written as
``getattr(HistoryBuffer, 'mean')`` or, from protocol 4, ``HistoryBuffer.mean``). Its own
``__setstate__`` would merge that dict into the one the class shares with every buffer of the
process, so a file could make every later ``statistics('mean')`` return another statistic.
Here the state is checked (two 1-D numeric arrays of equal length, at most ``max_length``
long, and only the four method references under their own names) and a new buffer is made by
``HistoryBuffer(log_history, count_history, max_length)``; the method references are
tokens, never called and never stored.
"""
from typing import Any, Dict

import numpy as np
from mmengine.logging import HistoryBuffer

from .errors import Refusal, describe
from .restricted_unpickler import Allowed, Placeholder

_METHODS = ('min', 'max', 'current', 'mean')
_MODULE = 'mmengine.logging.history_buffer'
_STATE_KEYS = {'max_length', '_log_history', '_count_history', 'statistics_methods'}


class _Method:
    """A reference to one of HistoryBuffer's statistics methods, as its pickle holds it."""

    def __init__(self, name: str) -> None:
        self.name = name


class _BufferInMaking(Placeholder):
    def complete(self, state: Any) -> HistoryBuffer:
        if not (type(state) is dict and set(state) <= _STATE_KEYS
                and {'max_length', '_log_history', '_count_history'} <= set(state)):
            raise Refusal(f'a HistoryBuffer state that is {describe(state)}, not its '
                          'attributes')
        max_length = state['max_length']
        if type(max_length) is not int or not 0 < max_length <= 2 ** 31:
            raise Refusal(f'a HistoryBuffer max_length of {describe(max_length)}')
        logs, counts = (_history(state[key]) for key in ('_log_history', '_count_history'))
        if len(logs) != len(counts) or len(logs) > max_length:
            raise Refusal('a HistoryBuffer whose histories differ in length or exceed its '
                          'max_length')
        methods = state.get('statistics_methods', {})
        if type(methods) is not dict or not all(
                isinstance(method, _Method) and method.name == name
                for name, method in methods.items()):
            raise Refusal('HistoryBuffer statistics methods other than its own '
                          f'({", ".join(_METHODS)})')
        return HistoryBuffer(logs, counts, max_length)


def _history(array: Any) -> np.ndarray:
    if not (type(array) is np.ndarray and array.ndim == 1 and array.dtype.kind in 'biuf'):
        raise Refusal(f'a HistoryBuffer history that is {describe(array)}, not a 1-D numeric '
                      'numpy array')
    return array


class _HistoryBuffer(Allowed):
    def new(self, args: tuple, kwargs: dict) -> _BufferInMaking:
        if args or kwargs:
            raise Refusal('HistoryBuffer.__new__ with arguments')
        return _BufferInMaking()


class _GetMethod(Allowed):
    """``getattr``, as far as HistoryBuffer's pickles use it: ``HistoryBuffer.<statistic>``."""

    def __init__(self, name: str, buffer: _HistoryBuffer) -> None:
        super().__init__(name)
        self.buffer = buffer

    def call(self, args: tuple) -> _Method:
        if len(args) == 2 and args[0] is self.buffer and type(args[1]) is str \
                and args[1] in _METHODS:
            return _Method(args[1])
        raise Refusal(f'getattr({", ".join(describe(arg) for arg in args)}); getattr is '
                      'allowed only for the statistics methods of HistoryBuffer '
                      f'({", ".join(_METHODS)})')


def history_buffer_globals() -> Dict[str, Any]:
    buffer = _HistoryBuffer(f'{_MODULE}.HistoryBuffer')
    return {buffer.name: buffer, 'builtins.getattr': _GetMethod('builtins.getattr', buffer),
            **{f'{buffer.name}.{name}': _Method(name) for name in _METHODS}}
