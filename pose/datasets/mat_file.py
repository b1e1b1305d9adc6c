"""A small reader for the numeric arrays of MATLAB v5 ``.mat`` files.

MPII's evaluation ground truth (``mpii_gt_val.mat``) is a v5 file of compressed double
matrices. Reading those takes a page of code, which spares a hard dependency on scipy.
Cells, structs and strings are skipped; only little-endian files are supported.
"""
import struct
import zlib
from typing import Dict, Iterator, Tuple

import numpy as np

_HEADER_BYTES = 128
_MI_MATRIX, _MI_COMPRESSED = 14, 15
# element data types of the v5 format
_MI_DTYPES = {1: '<i1', 2: '<u1', 3: '<i2', 4: '<u2', 5: '<i4', 6: '<u4', 7: '<f4', 9: '<f8',
              12: '<i8', 13: '<u8'}
# array classes of numeric matrices (MATLAB stores e.g. integral doubles as small ints)
_CLASS_DTYPES = {6: np.float64, 7: np.float32, 8: np.int8, 9: np.uint8, 10: np.int16,
                 11: np.uint16, 12: np.int32, 13: np.uint32, 14: np.int64, 15: np.uint64}
_FLAG_COMPLEX, _FLAG_LOGICAL = 0x0800, 0x0200


def _read_element(buf: bytes, offset: int) -> Tuple[int, bytes, int]:
    """Parse the data element at ``offset``; returns (data type, payload, next offset)."""
    first, second = struct.unpack_from('<II', buf, offset)
    if first >> 16:
        # "small data element": type and size share the first word, data fills the second
        nbytes = first >> 16
        return first & 0xFFFF, buf[offset + 4:offset + 4 + nbytes], offset + 8
    start = offset + 8
    payload = buf[start:start + second]
    if len(payload) != second:
        raise ValueError('truncated data element')
    padded = second if first == _MI_COMPRESSED else (second + 7) // 8 * 8
    return first, payload, start + padded


def _parse_matrix(payload: bytes) -> Tuple[str, np.ndarray]:
    """Name and array of a miMATRIX payload, or (name, None) for non-numeric classes."""
    _, flags, offset = _read_element(payload, 0)
    flag_word = struct.unpack_from('<I', flags)[0]
    array_class = flag_word & 0xFF
    _, dims_bytes, offset = _read_element(payload, offset)
    _, name_bytes, offset = _read_element(payload, offset)
    name = name_bytes.decode('ascii')
    if array_class not in _CLASS_DTYPES or flag_word & _FLAG_COMPLEX:
        return name, None
    dims = np.frombuffer(dims_bytes, dtype='<i4')
    data_type, data, _ = _read_element(payload, offset)
    values = np.frombuffer(data, dtype=_MI_DTYPES[data_type])
    dtype = bool if flag_word & _FLAG_LOGICAL else _CLASS_DTYPES[array_class]
    # MATLAB is column-major
    return name, values.astype(dtype).reshape(tuple(dims), order='F')


def _top_level_matrices(buf: bytes) -> Iterator[bytes]:
    """Payloads of the file's top-level matrices, decompressing where needed."""
    offset = _HEADER_BYTES
    while offset + 8 <= len(buf):
        data_type, payload, offset = _read_element(buf, offset)
        if data_type == _MI_COMPRESSED:
            data_type, payload, _ = _read_element(zlib.decompress(payload), 0)
        if data_type == _MI_MATRIX:
            yield payload


def load_mat_arrays(path: str) -> Dict[str, np.ndarray]:
    """Read the numeric arrays of a MATLAB v5 file.

    Args:
        path: the ``.mat`` file.

    Returns:
        {variable name: array} in MATLAB's shape and dtype (e.g. ``headboxes_src`` (2, 2, N)).

    Raises:
        ValueError naming the file when it is not a little-endian MATLAB v5 file or is broken.
    """
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < _HEADER_BYTES or not buf.startswith(b'MATLAB 5.0 MAT-file'):
        raise ValueError(f'{path} is not a MATLAB v5 .mat file')
    if buf[126:128] != b'IM':
        raise ValueError(f'{path}: only little-endian .mat files are supported')
    arrays = {}
    try:
        for payload in _top_level_matrices(buf):
            name, array = _parse_matrix(payload)
            if array is not None:
                arrays[name] = array
    except (struct.error, zlib.error, ValueError, KeyError) as err:
        raise ValueError(f'{path} is a broken .mat file: {err!r}') from err
    return arrays
