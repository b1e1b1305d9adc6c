"""numpy arrays, scalars and dtypes, rebuilt from validated data.

mmengine's checkpoints hold numpy objects (the dataset meta, the message hub's logs). numpy's
own unpickling entry points trust their input: ``numpy.ndarray(shape, dtype=object,
buffer=...)`` reads pointers out of the file's bytes, and ``numpy.dtype.__setstate__`` accepts
field offsets and sub-array shapes beyond the item size, so a crafted array reads (and writes)
memory outside its buffer. Here every numpy object is a copy out of bytes of exactly the right
size, of a fixed-size, reference-free dtype built from its name; numpy's ``__setstate__`` and
buffer constructors never see the file's data.
"""
import math
import sys
from typing import Any, Dict

import numpy as np

from .errors import Refusal, describe
from .restricted_unpickler import Allowed, Placeholder

# numpy kinds whose items are plain bytes: booleans, integers, floats, complex numbers, byte and
# unicode strings. Excluded: objects ('O', pointers), numpy 2's StringDType ('T', pointers into
# an arena), structured and sub-array types ('V', offsets) and datetimes ('M', 'm', unit
# metadata), which checkpoints do not contain.
_PLAIN_KINDS = frozenset('biufcSU')
_NATIVE_ORDER = '<' if sys.byteorder == 'little' else '>'
_MAX_DIMS = 32  # numpy's own limit is 64


def plain_dtype(obj: Any) -> np.dtype:
    """``obj`` if it is a finished numpy dtype of plain values."""
    if not isinstance(obj, np.dtype) or obj.kind not in _PLAIN_KINDS or obj.fields is not None \
            or obj.subdtype is not None or obj.itemsize == 0:
        raise Refusal(f'{describe(obj)} where a numpy dtype of plain values is needed')
    return obj


def _shape(obj: Any) -> tuple:
    if not (type(obj) is tuple and len(obj) <= _MAX_DIMS
            and all(type(n) is int and 0 <= n < 2 ** 62 for n in obj)):
        raise Refusal(f'a numpy shape that is {describe(obj)}')
    return obj


def _copy(data: Any, dtype: np.dtype, shape: tuple, order: str) -> np.ndarray:
    """An array of ``shape`` copied out of ``data``, which must hold exactly its items."""
    if not isinstance(data, (bytes, bytearray)) or \
            len(data) != math.prod(shape) * dtype.itemsize:
        raise Refusal(f'a numpy array of shape {shape} and dtype {dtype} whose data is '
                      f'{describe(data)}')
    flat = np.frombuffer(data, dtype=dtype) if data else np.empty(0, dtype)
    return flat.reshape(shape, order=order).copy(order=order)


class _DtypeInMaking(Placeholder):
    """``numpy.dtype(spec, align, copy)``, awaiting its state (version, byte order,
    sub-array, names, fields, item size, alignment, flags). Only the byte order is taken from
    the state; a sub-array, names, fields, or an item size of its own are refused."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def complete(self, state: Any) -> np.dtype:
        if not (type(state) is tuple and len(state) == 8):
            raise Refusal(f'a numpy dtype state that is {describe(state)}')
        _, byte_order, subarray, names, fields, item_size = state[:6]
        if not (subarray is None and names is None and fields is None
                and type(item_size) is int and item_size in (-1, self.dtype.itemsize)
                and byte_order in ('<', '>', '|', '=')):
            raise Refusal(f'a numpy dtype state for {self.dtype} with sub-arrays, fields or '
                          'an item size of its own')
        # Native byte order keeps numpy's shared dtype objects, as the saved arrays had them
        # (pickles of the loaded objects then equal those of the saved ones).
        if byte_order in ('<', '>') and byte_order != _NATIVE_ORDER \
                and self.dtype.byteorder != '|':
            return self.dtype.newbyteorder(byte_order)
        return self.dtype


class _Dtype(Allowed):
    def call(self, args: tuple) -> _DtypeInMaking:
        # numpy.dtype(spec, align, copy): align and copy only matter for structured dtypes,
        # and every dtype built here is a new object.
        if not (1 <= len(args) <= 3 and type(args[0]) is str and len(args[0]) <= 16):
            raise Refusal('numpy.dtype of something other than a short name')
        try:
            dtype = np.dtype(args[0])
        except (TypeError, ValueError):
            raise Refusal(f'numpy.dtype({describe(args[0])}), which numpy does not know') \
                from None
        return _DtypeInMaking(plain_dtype(dtype))


class _ArrayInMaking(Placeholder):
    """``_reconstruct(ndarray, (0,), b'b')``, awaiting its state (version, shape, dtype,
    Fortran order, raw bytes)."""

    def complete(self, state: Any) -> np.ndarray:
        if type(state) is tuple and len(state) == 5:
            state = state[1:]  # the version
        if not (type(state) is tuple and len(state) == 4 and type(state[2]) is bool):
            raise Refusal(f'a numpy array state that is {describe(state)}')
        shape, dtype, fortran, data = state
        return _copy(data, plain_dtype(dtype), _shape(shape), 'F' if fortran else 'C')


class _Ndarray(Allowed):
    """``numpy.ndarray``: only as the type argument of ``_reconstruct``; calling it (with a
    buffer, as numpy's pickles never do) is refused."""


class _Reconstruct(Allowed):
    def __init__(self, name: str, ndarray: _Ndarray) -> None:
        super().__init__(name)
        self.ndarray = ndarray

    def call(self, args: tuple) -> _ArrayInMaking:
        if not (len(args) == 3 and args[0] is self.ndarray):
            raise Refusal('numpy _reconstruct of anything but a plain numpy.ndarray')
        return _ArrayInMaking()


class _Scalar(Allowed):
    """``scalar(dtype, data)``: a numpy scalar copied from exactly one item's bytes."""

    def call(self, args: tuple) -> np.generic:
        if len(args) != 2:
            raise Refusal('numpy scalar without a dtype and its data')
        return _copy(args[1], plain_dtype(args[0]), (), 'C')[()]


class _FromBuffer(Allowed):
    """``_frombuffer(buffer, dtype, shape, order)``: how pickle protocol 5 writes arrays."""

    def call(self, args: tuple) -> np.ndarray:
        if not (len(args) == 4 and args[3] in ('C', 'F')):
            raise Refusal('numpy _frombuffer with other arguments than (data, dtype, shape, '
                          'order)')
        return _copy(args[0], plain_dtype(args[1]), _shape(args[2]), args[3])


def numpy_globals() -> Dict[str, Allowed]:
    """The numpy globals of checkpoints, by the names numpy 1 (``numpy.core``) and numpy 2
    (``numpy._core``) pickle them under."""
    ndarray = _Ndarray('numpy.ndarray')
    entries: Dict[str, Allowed] = {'numpy.dtype': _Dtype('numpy.dtype'),
                                   'numpy.ndarray': ndarray}
    for module in ('numpy._core', 'numpy.core'):
        entries[f'{module}.multiarray._reconstruct'] = _Reconstruct('numpy _reconstruct',
                                                                    ndarray)
        entries[f'{module}.multiarray.scalar'] = _Scalar('numpy scalar')
        entries[f'{module}.numeric._frombuffer'] = _FromBuffer('numpy _frombuffer')
    return entries


LEAF_TYPES = (np.ndarray, np.generic, np.dtype)
KEY_TYPES = tuple(type(np.dtype(kind)) for kind in ('?', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2',
                                                    'u4', 'u8', 'f2', 'f4', 'f8', 'c8',
                                                    'c16'))
