import numpy as np
import pytest
from scipy.io import savemat

from pose.datasets import load_mat_arrays


def test_reads_the_arrays_of_a_mat_file(tmp_path):
    boxes = np.arange(12, dtype=np.float64).reshape(2, 2, 3)
    path = tmp_path / 'gt.mat'
    savemat(path, {'headboxes_src': boxes, 'jnt_missing': np.zeros((16, 3))}, do_compression=True)
    arrays = load_mat_arrays(str(path))
    assert set(arrays) == {'headboxes_src', 'jnt_missing'}
    np.testing.assert_array_equal(arrays['headboxes_src'], boxes)


def test_rejects_missing_and_other_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.mat'):
        load_mat_arrays(str(tmp_path / 'nowhere.mat'))
    path = tmp_path / 'not.mat'
    path.write_bytes(b'hello, not a MATLAB file at all' * 10)
    with pytest.raises(ValueError, match=str(path)):
        load_mat_arrays(str(path))
