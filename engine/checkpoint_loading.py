"""Weights-only checkpoint loading that still reads mmengine's checkpoints.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``: its unpickler builds tensors
and plain containers, and calls or builds only the globals of an allow-list. mmengine's
checkpoints also hold numpy arrays and scalars (the dataset meta, the message hub's logs) and
the message hub's ``HistoryBuffer`` objects, which that unpickler refuses. Rather than turning
the safety off, this module allow-lists what those checkpoints need, in a form that can neither
run code nor reach memory outside the file's data; anything else is refused unless the caller
says it trusts the file.

Two things make a naive allow-list unsafe, and shape the one below:

- Every allow-listed global is callable with arguments from the file, and torch's own
  allow-listed ``torch._tensor._rebuild_from_type_v2(func, new_type, args, state)`` calls
  *any* object it is handed. ``builtins.getattr`` therefore turns into code execution:
  ``getattr(HistoryBuffer.mean, '__builtins__')`` reaches ``open`` and ``exec``. Only the
  attribute reads that mmengine's pickles contain are allowed (:func:`_history_buffer_method`).
- numpy's own unpickling entry points trust their input: ``numpy.ndarray(shape,
  dtype=object, buffer=...)`` reads pointers out of the file's bytes, and
  ``numpy.dtype.__setstate__`` accepts field offsets and sub-array shapes beyond the item size,
  so a crafted array reads (and writes) memory outside its buffer. numpy objects are therefore
  rebuilt from validated recipes (:class:`_DtypeRecipe`, :class:`_ArrayRecipe`) of
  fixed-size, reference-free dtypes, and never through numpy's ``__setstate__``.
"""
import math
import os
import os.path as osp
import pickle
import sys
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint needs more than weights-only unpickling, and its source is not trusted."""


# numpy kinds whose items are plain bytes: booleans, integers, floats, complex numbers, byte and
# unicode strings. Excluded: objects ('O', pointers), numpy 2's StringDType ('T', pointers into
# an arena), structured and sub-array types ('V', offsets) and datetimes ('M', 'm', unit
# metadata), which mmengine's checkpoints do not contain.
_PLAIN_KINDS = frozenset('biufcSU')
_NATIVE_ORDER = '<' if sys.byteorder == 'little' else '>'

# The statistics methods HistoryBuffer registers for itself (``_set_default_statistics``);
# pickled, at torch.save's protocol 2, as ``getattr(HistoryBuffer, name)``.
_HISTORY_BUFFER_METHODS = frozenset({'min', 'max', 'current', 'mean'})


def _refuse(message: str) -> 'pickle.UnpicklingError':
    # "allow-list" marks the line that _offending_global quotes in the refusal.
    return pickle.UnpicklingError(f'outside the allow-list: {message}')


def _call(name: str, args: tuple) -> str:
    """``name(args)`` for a refusal, each argument's repr cut short (a file chooses them)."""
    def short(arg: Any) -> str:
        text = repr(arg)
        return text if len(text) <= 80 else f'{text[:77]}...'
    return f'{name}({", ".join(short(arg) for arg in args)})'


# The allow-listed callables below take ``*args``: a file calls them with arguments of its
# choosing, and a wrong number of them must be a refusal too, not a TypeError.

def _history_buffer_method(*args: Any) -> Callable:
    """``getattr`` as far as mmengine's checkpoints use it: ``HistoryBuffer.<statistic>``."""
    if len(args) == 2 and args[0] is HistoryBuffer and isinstance(args[1], str) \
            and args[1] in _HISTORY_BUFFER_METHODS:
        return getattr(HistoryBuffer, args[1])
    raise _refuse(f'{_call("getattr", args)}; builtins.getattr is allowed only for the '
                  'statistics methods of HistoryBuffer '
                  f'({", ".join(sorted(_HISTORY_BUFFER_METHODS))})')


class _DtypeRecipe:
    """Stands in for ``numpy.dtype`` while unpickling: records a plain dtype and its byte order.

    A pickled dtype is ``numpy.dtype(spec, align, copy)`` followed by a state tuple (version,
    byte order, sub-array, names, fields, item size, alignment, flags). Only a byte order is
    taken from the state; a sub-array, names or fields, or an item size other than the
    spec's, are refused. The dtype itself is built by ``numpy.dtype(spec)``, from a string,
    never by ``numpy.dtype.__setstate__``.
    """

    dtype: Optional[np.dtype] = None  # stays None when a file builds one without __init__

    def __init__(self, *args: Any) -> None:
        # numpy.dtype(spec, align, copy): align and copy only matter for structured dtypes,
        # and every dtype built here is a new object.
        if not (1 <= len(args) <= 3 and isinstance(args[0], str)):
            raise _refuse(f'{_call("numpy.dtype", args)}: only dtypes named by a string are '
                          'allowed')
        try:
            dtype = np.dtype(args[0])
        except (TypeError, ValueError) as error:
            raise _refuse(f'{_call("numpy.dtype", args)}: {error}') from None
        if dtype.kind not in _PLAIN_KINDS or dtype.fields is not None or dtype.subdtype \
                or dtype.itemsize == 0:
            raise _refuse(f'{_call("numpy.dtype", args)}: only dtypes of plain values (kinds '
                          f'{"".join(sorted(_PLAIN_KINDS))}) are allowed')
        self.dtype = dtype

    def __setstate__(self, state: Any) -> None:
        dtype = _plain_dtype(self)
        if not (isinstance(state, tuple) and len(state) == 8):
            raise _refuse(f'numpy dtype state {state!r}')
        _, byte_order, subarray, names, fields, item_size = state[:6]
        if not (subarray is None and names is None and fields is None
                and type(item_size) is int and item_size in (-1, dtype.itemsize)  # noqa: E721
                and isinstance(byte_order, str) and byte_order in ('<', '>', '|', '=')):
            raise _refuse(f'numpy dtype state {state!r} for {dtype}: sub-arrays, fields and '
                          'item sizes of their own are not allowed')
        # Native byte order keeps numpy's shared dtype objects, as the saved arrays had them
        # (pickles of the loaded objects then equal those of the saved ones).
        if byte_order in ('<', '>') and byte_order != _NATIVE_ORDER and dtype.byteorder != '|':
            self.dtype = dtype.newbyteorder(byte_order)


def _plain_dtype(recipe: Any) -> np.dtype:
    """The dtype of a :class:`_DtypeRecipe` built through its ``__init__``."""
    if not isinstance(recipe, _DtypeRecipe) or recipe.dtype is None:
        raise _refuse(f'{recipe!r} where a numpy dtype of plain values is needed')
    return recipe.dtype


class _ArrayRecipe:
    """Stands in for ``numpy.ndarray`` while unpickling; :func:`_materialise` swaps it for the
    array afterwards.

    A pickled array is ``_reconstruct(ndarray, (0,), b'b')`` followed by the state (version,
    shape, dtype, Fortran order, raw bytes). The bytes must be exactly shape x item size of a
    :class:`_DtypeRecipe`; the array is copied out of them with ``numpy.frombuffer``.
    """

    array: Optional[np.ndarray] = None

    def __init__(self, *args: Any) -> None:
        if args:  # numpy.ndarray(shape, dtype, buffer, ...), which mmengine never pickles
            raise _refuse(f'{_call("numpy.ndarray", args)}: arrays are allowed only as numpy '
                          'pickles them')

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 5:
            state = state[1:]  # the version
        if not (isinstance(state, tuple) and len(state) == 4):
            raise _refuse('numpy array state of another form than (shape, dtype, order, bytes)')
        shape, recipe, fortran, data = state
        dtype = _plain_dtype(recipe)
        if not (isinstance(shape, tuple)
                and all(type(n) is int and n >= 0 for n in shape)  # noqa: E721 (no bools)
                and isinstance(fortran, bool) and isinstance(data, (bytes, bytearray))
                and len(data) == math.prod(shape) * dtype.itemsize):
            raise _refuse('numpy array whose shape, dtype and data do not agree')
        order = 'F' if fortran else 'C'
        flat = np.frombuffer(data, dtype=dtype) if data else np.empty(0, dtype)
        self.array = flat.reshape(shape, order=order).copy(order=order)


def _reconstruct_array(*args: Any) -> _ArrayRecipe:
    """``numpy._core.multiarray._reconstruct(ndarray, shape, typecode)`` (``numpy.core`` in
    numpy 1): an empty recipe of a plain ``numpy.ndarray`` (subclasses such as masked arrays
    are refused); the shape and data come with the state."""
    if not (len(args) == 3 and args[0] is _ArrayRecipe):
        raise _refuse(f'{_call("numpy _reconstruct", args)}: only numpy.ndarray is allowed')
    return _ArrayRecipe()


def _numpy_scalar(*args: Any) -> np.generic:
    """``numpy._core.multiarray.scalar(dtype, data)``: a numpy scalar copied from exactly one
    item's bytes."""
    if len(args) != 2:
        raise _refuse(f'{_call("numpy scalar", args)}: a dtype and its data are needed')
    dtype = _plain_dtype(args[0])
    if not (isinstance(args[1], bytes) and len(args[1]) == dtype.itemsize):
        raise _refuse(f'numpy scalar of {dtype} whose data is not one item of it')
    return np.frombuffer(args[1], dtype=dtype)[0]


def _empty_bytes(*args: Any) -> bytes:
    """``bytes()``: how pickle's protocol 2 (torch.save's) writes ``b''``, e.g. the data of an
    empty array; non-empty bytes come through torch's allow-listed ``_codecs.encode``."""
    if args:
        raise _refuse(f'{_call("bytes", args)}: only bytes() is allowed')
    return b''


# The allow-list, as (object, the name the pickle refers to). Why each entry is safe:
# - HistoryBuffer: built by object.__new__ (NEWOBJ; no __init__ code), filled by
#   __dict__.update (BUILD; it has no __setstate__), or, if a file calls it, by its __init__,
#   which only stores numpy arrays of its arguments. Its attributes can only be objects this
#   unpickler builds, so its methods, called later, run on data, never on code.
# - builtins.getattr -> _history_buffer_method: four attribute reads of HistoryBuffer, which
#   return its own statistics methods (plain functions of a HistoryBuffer); nothing else.
# - numpy.dtype, numpy.ndarray, _reconstruct, scalar -> the recipes above: plain Python
#   objects holding validated dtypes of plain values, and arrays and scalars copied out of
#   bytes of exactly the right size. numpy's __setstate__ and buffer constructors are never
#   called with the file's data.
# - builtins.bytes -> _empty_bytes: b'' and nothing else (no allocation of a size the file
#   chooses, no conversion of other objects).
# numpy 1 names its module numpy.core, numpy 2 numpy._core: checkpoints of both load.
_ALLOW_LIST: List[Tuple[Any, str]] = [
    (HistoryBuffer, 'mmengine.logging.history_buffer.HistoryBuffer'),
    (_history_buffer_method, 'builtins.getattr'),
    (_empty_bytes, 'builtins.bytes'),
    (_DtypeRecipe, 'numpy.dtype'),
    (_ArrayRecipe, 'numpy.ndarray'),
    *[(_reconstruct_array, f'{module}.multiarray._reconstruct')
      for module in ('numpy._core', 'numpy.core')],
    *[(_numpy_scalar, f'{module}.multiarray.scalar') for module in ('numpy._core', 'numpy.core')],
]


@contextmanager
def _allow_list() -> Iterator[None]:
    with torch.serialization.safe_globals(_ALLOW_LIST):
        yield


def _materialise(obj: Any) -> Any:
    """``obj`` as unpickled with the recipes replaced by the numpy objects they describe, in
    the containers mmengine's checkpoints use (dicts, lists, tuples, sets, HistoryBuffers).

    A recipe anywhere else (only a crafted file puts one there) stays an inert object.
    """
    memo: Dict[int, Any] = {}

    def visit(node: Any) -> Any:
        if id(node) in memo:
            return memo[id(node)]
        if isinstance(node, _ArrayRecipe):
            if node.array is None:
                raise _refuse('a numpy array without its data')
            result = node.array
        elif isinstance(node, _DtypeRecipe):
            result = _plain_dtype(node)
        elif isinstance(node, dict):
            memo[id(node)] = node  # before the values: containers can hold themselves
            if any(isinstance(key, (_ArrayRecipe, _DtypeRecipe)) for key in node):
                raise _refuse('numpy objects as dictionary keys')
            for key in list(node):
                node[key] = visit(node[key])
            return node
        elif isinstance(node, list):
            memo[id(node)] = node
            node[:] = [visit(item) for item in node]
            return node
        elif isinstance(node, (tuple, set, frozenset)):
            items = [visit(item) for item in node]
            changed = any(new is not old for new, old in zip(items, node))
            result = type(node)(items) if changed and type(node) in (tuple, set, frozenset) \
                else node
        elif isinstance(node, HistoryBuffer):
            memo[id(node)] = node
            visit(vars(node))
            return node
        else:
            result = node
        memo[id(node)] = result
        return result

    try:
        return visit(obj)
    except RecursionError:
        raise _refuse('containers nested too deeply') from None


def _weights_only_load(load: Callable[[], Any]) -> Any:
    """Run ``load`` (a ``torch.load`` of one file) with the allow-list; its result with the
    numpy objects rebuilt."""
    with _allow_list():
        return _materialise(load())


@contextmanager
def _full_unpickling() -> Iterator[None]:
    """torch's documented switch for full unpickling of ``torch.load`` calls that do not set
    ``weights_only`` (mmengine's), for files the user trusts."""
    previous = os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD')
    os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '1'
    try:
        yield
    finally:
        if previous is None:
            del os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD']
        else:
            os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = previous


@contextmanager
def runner_checkpoint_loading(trust: bool) -> Iterator[None]:
    """The checkpoint policy of every checkpoint a Runner loads while this context is open
    (``load_from``, ``resume``, ``init_cfg=dict(type='Pretrained')``): weights-only with the
    allow-list, or full unpickling when the user trusts the files.

    It applies to mmengine's checkpoint loading function only, not to the whole run: an
    ``UnpicklingError`` raised elsewhere (a dataset's pickle annotation file, a dataloader
    worker) keeps its own type and message.

    Raises:
        UnsafeCheckpointError: a checkpoint needs arbitrary unpickling and ``trust`` is False;
            the message names the file, the offending global, and ``--trust-checkpoint``.
    """
    original = CheckpointLoader.__dict__['load_checkpoint']
    load_checkpoint = original.__func__

    def load_with_policy(cls, filename: str, map_location=None, logger='current') -> Any:
        if trust:
            with _full_unpickling():
                return load_checkpoint(cls, filename, map_location, logger)
        try:
            return _weights_only_load(
                lambda: load_checkpoint(cls, filename, map_location, logger))
        except pickle.UnpicklingError as error:
            raise UnsafeCheckpointError(_refusal(filename, error, '--trust-checkpoint')) \
                from error

    CheckpointLoader.load_checkpoint = classmethod(load_with_policy)
    try:
        yield
    finally:
        CheckpointLoader.load_checkpoint = original


def load_checkpoint_file(path: str, trust: bool = False, map_location: str = 'cpu') -> dict:
    """Load a checkpoint file, weights-only (with the mmengine allow-list) unless ``trust``.

    Raises:
        FileNotFoundError: no such file.
        UnsafeCheckpointError: the file needs arbitrary unpickling and ``trust`` is False; the
            message names the file, the offending global, and how to proceed.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint file not found: {path}')
    if trust:
        return torch.load(path, map_location=map_location, weights_only=False)
    try:
        return _weights_only_load(
            lambda: torch.load(path, map_location=map_location, weights_only=True))
    except pickle.UnpicklingError as error:
        raise UnsafeCheckpointError(_refusal(
            path, error, '--trust-checkpoint (trust_checkpoint=True in the Python API)')) \
            from error


def _refusal(path: str, error: Exception, how: str) -> str:
    return (f'refused to load checkpoint {path}: it needs arbitrary unpickling, which can run '
            f'code ({_offending_global(error)}). If you trust its source, pass {how}.')


def _offending_global(error: Exception) -> str:
    """The line of torch's (or the allow-list's) message that names what was refused."""
    lines = [line.strip() for line in str(error).splitlines()
             if 'GLOBAL' in line or 'allow-list' in line]
    return lines[0] if lines else 'a type outside the allow-list'
