"""Reading the numeric arrays of a MATLAB file (the MPII head boxes), with clear errors."""
import os.path as osp
from typing import Dict

import numpy as np
from scipy.io import loadmat


def load_mat_arrays(path: str) -> Dict[str, np.ndarray]:
    """Variables of a MATLAB v5 file, name -> array (MATLAB's own ``__header__`` etc. dropped).

    Raises:
        FileNotFoundError: no such file; ValueError: not a readable MATLAB file. Both name
        the path.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'MATLAB file {path!r} does not exist')
    try:
        variables = loadmat(path)
    except Exception as error:  # scipy raises ValueError, TypeError or zlib errors
        raise ValueError(f'{path!r} is not a readable MATLAB file: {error}') from error
    return {name: value for name, value in variables.items() if not name.startswith('__')}
