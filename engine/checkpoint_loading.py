"""Weights-only checkpoint loading that still reads mmengine's checkpoints.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``, which refuses the non-tensor
metadata that mmengine stores (numpy arrays in the dataset meta and the message hub's
``HistoryBuffer`` logs). Rather than turning the safety off, the few types those checkpoints
contain are allow-listed; anything else is refused unless the caller says it trusts the file.
"""
import os
import os.path as osp
import pickle
from contextlib import contextmanager
from typing import Iterator, Optional

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

try:  # numpy >= 2
    from numpy._core import multiarray as _multiarray
except ImportError:  # numpy 1.x
    from numpy.core import multiarray as _multiarray

MMENGINE_CHECKPOINT_GLOBALS = [
    HistoryBuffer,
    # HistoryBuffer pickles its statistics methods as getattr(HistoryBuffer, 'mean'); getattr can
    # only reach attributes of the other allow-listed objects.
    getattr,
    np.ndarray,
    np.dtype,
    _multiarray._reconstruct,
    _multiarray.scalar,
    *[cls for cls in vars(np.dtypes).values() if isinstance(cls, type)],
]


@contextmanager
def mmengine_checkpoint_globals() -> Iterator[None]:
    """Allow the types of mmengine checkpoints in weights-only ``torch.load`` calls (including
    the ones mmengine's Runner makes when resuming)."""
    with torch.serialization.safe_globals(MMENGINE_CHECKPOINT_GLOBALS):
        yield


@contextmanager
def runner_checkpoint_loading(trust: bool, checkpoint: Optional[str] = None) -> Iterator[None]:
    """The checkpoint policy of a Runner's ``load_from`` / ``resume`` loads (mmengine calls
    ``torch.load`` without ``weights_only``): weights-only with the mmengine allow-list, or,
    when the user trusts the file, torch's documented switch for full unpickling."""
    if trust:
        previous = os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD')
        os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = '1'
        try:
            yield
        finally:
            if previous is None:
                del os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD']
            else:
                os.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = previous
        return
    with mmengine_checkpoint_globals():
        try:
            yield
        except pickle.UnpicklingError as error:
            raise RuntimeError(
                f'refused to load checkpoint {checkpoint or "(see the log above)"}: it needs '
                f'arbitrary unpickling, which can run code ({_offending_global(error)}). If you '
                f'trust its source, pass --trust-checkpoint.') from error


def load_checkpoint_file(path: str, trust: bool = False, map_location: str = 'cpu') -> dict:
    """Load a checkpoint file, weights-only unless ``trust`` is set.

    Raises:
        FileNotFoundError: no such file.
        RuntimeError: the file needs arbitrary unpickling and ``trust`` is False; the message
            names the file, the offending global, and how to proceed.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint file not found: {path}')
    if trust:
        return torch.load(path, map_location=map_location, weights_only=False)
    with mmengine_checkpoint_globals():
        try:
            return torch.load(path, map_location=map_location, weights_only=True)
        except pickle.UnpicklingError as error:
            raise RuntimeError(
                f'refused to load checkpoint {path}: it needs arbitrary unpickling, which can run '
                f'code ({_offending_global(error)}). If you trust its source, pass '
                f'--trust-checkpoint (trust_checkpoint=True in the Python API).') from error


def _offending_global(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if 'global' in line.lower()]
    return lines[0] if lines else 'a type outside the allow-list'
