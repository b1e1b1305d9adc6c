"""The MATLAB v5 reader on hand-made files (compressed, uncompressed, small elements)."""
import struct
import zlib

import numpy as np
import pytest

from pose.datasets import load_mat_arrays


def element(data_type, payload):
    padding = b'\0' * (-len(payload) % 8)
    return struct.pack('<II', data_type, len(payload)) + payload + padding


def matrix(name, array, array_class=6, mi_type=9, dtype='<f8'):
    """miMATRIX element of a real numeric array (MATLAB stores it column-major)."""
    flags = element(6, struct.pack('<II', array_class, 0))
    dims = element(5, np.array(array.shape, '<i4').tobytes())
    name_bytes = name.encode()
    # names up to 4 bytes use the "small data element" packing
    name_el = (struct.pack('<HH', 1, len(name_bytes)) + name_bytes.ljust(4, b'\0')
               if len(name_bytes) <= 4 else element(1, name_bytes))
    data = element(mi_type, np.asarray(array, dtype).ravel(order='F').tobytes())
    return element(14, flags + dims + name_el + data)


def header():
    return b'MATLAB 5.0 MAT-file, test'.ljust(116, b' ') + b'\0' * 8 + b'\0\x01IM'


def test_reads_compressed_and_plain_matrices(tmp_path):
    boxes = np.arange(12, dtype=np.float64).reshape(2, 2, 3)
    small = np.array([[1, 2, 3]], dtype=np.float64)
    compressed = zlib.compress(matrix('headboxes_src', boxes))
    path = tmp_path / 'gt.mat'
    path.write_bytes(header() + struct.pack('<II', 15, len(compressed)) + compressed
                     # MATLAB keeps integral doubles as uint8 data of a double array
                     + matrix('ab', small, mi_type=2, dtype='<u1'))
    arrays = load_mat_arrays(str(path))
    np.testing.assert_array_equal(arrays['headboxes_src'], boxes)
    assert arrays['ab'].dtype == np.float64
    np.testing.assert_array_equal(arrays['ab'], small)


def test_rejects_other_files(tmp_path):
    path = tmp_path / 'not.mat'
    path.write_bytes(b'hello')
    with pytest.raises(ValueError, match=str(path)):
        load_mat_arrays(str(path))
    broken = tmp_path / 'broken.mat'
    broken.write_bytes(header() + struct.pack('<II', 15, 40) + b'x' * 40)
    with pytest.raises(ValueError, match='broken'):
        load_mat_arrays(str(broken))
