"""Loading a checkpoint file: weights-only through the restricted unpickler, or, for files the
user trusts, torch's full unpickling.

What weights-only loading guarantees, whatever the environment says
(``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` is ignored, and said to be):

- no code of the file's choosing runs: globals resolve only through the allow-list, whose
  entries validate their arguments; no ``__setstate__`` runs;
- nothing outside the returned object changes (no shared class state is updated);
- work and memory are bounded by the file: at most a few times its bytes, containers nested at
  most 64 deep, no container walk larger than a few times the pickle's instructions;
- every failure is one :class:`CheckpointError` naming the file and the reason
  (:class:`UnsafeCheckpointError` when the file needs more than the allow-list).
"""
import io
import logging
import os
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any, Callable, ContextManager, Iterator, Optional, Union

import torch
from mmengine.logging import print_log

from .archive import read_checkpoint
from .errors import CheckpointError, Damaged, Refusal, UnsafeCheckpointError

MapLocation = Union[None, str, torch.device, dict, Callable]
_FORCE_FULL_UNPICKLING = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'
_trusted: ContextVar[bool] = ContextVar('trusted_checkpoints', default=False)


@contextmanager
def checkpoint_trust(trust: bool) -> Iterator[None]:
    """Within this context, every checkpoint mmengine loads (``load_from``, ``resume``,
    ``init_cfg=dict(type='Pretrained')``, through :mod:`.schemes`) is unpickled fully if
    ``trust`` (``--trust-checkpoint``), weights-only otherwise (the default outside it)."""
    token = _trusted.set(trust)
    try:
        yield
    finally:
        _trusted.reset(token)


def checkpoints_trusted() -> bool:
    """Whether the current context trusts checkpoints (see :func:`checkpoint_trust`)."""
    return _trusted.get()


def load_checkpoint_file(path: str, trust: bool = False,
                         map_location: MapLocation = 'cpu') -> Any:
    """Load a checkpoint file, weights-only unless ``trust``.

    Args:
        path: the file (a regular file: a FIFO or device is refused, not waited on).
        trust: unpickle fully with ``torch.load(weights_only=False)``, for files from a
            trusted source.
        map_location: as for ``torch.load``: where each storage goes.

    Raises:
        FileNotFoundError: no such file.
        UnsafeCheckpointError: the file needs more than the allow-list and ``trust`` is False.
        CheckpointError: the file is empty, truncated, damaged or not a checkpoint, or loading
            it failed otherwise; the message names it.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f'checkpoint file not found: {path}')
    if trust:
        return _load_trusted(path, map_location)
    if os.environ.get(_FORCE_FULL_UNPICKLING, '0') not in ('', '0'):
        print_log(f'{_FORCE_FULL_UNPICKLING} is set and ignored: {path} is loaded '
                  'weights-only (pass --trust-checkpoint to unpickle a trusted file fully)',
                  logger="current", level=logging.WARNING)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0))
    except OSError as error:
        raise CheckpointError(path, f'cannot open it ({error.strerror})') from None
    with os.fdopen(fd, 'rb') as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise CheckpointError(path, 'not a regular file')
        return _read(file, status.st_size, path, map_location)


def read_checkpoint_bytes(data: bytes, name: str, map_location: MapLocation = 'cpu') -> Any:
    """A checkpoint held in memory (fetched from object storage), weights-only; errors name
    it ``name``."""
    return _read(io.BytesIO(data), len(data), name, map_location)


def _read(file: IO[bytes], size: int, name: str, map_location: MapLocation) -> Any:
    try:
        return read_checkpoint(file, size, _restorer(map_location))
    except Refusal as refusal:
        raise UnsafeCheckpointError(name, str(refusal)) from None
    except Damaged as damage:
        raise CheckpointError(name, str(damage)) from None
    except OSError as error:
        raise CheckpointError(name, f'reading it failed ({error})') from None


def _load_trusted(path: str, map_location: MapLocation) -> Any:
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except Exception as error:  # the file's own code may raise anything; name the file
        raise CheckpointError(path, f'{type(error).__name__}: {str(error)[:500]}') from error


Restore = Callable[[torch.UntypedStorage, str], torch.UntypedStorage]


def _restorer(map_location: MapLocation) -> Restore:
    """``torch.load``'s rule for ``map_location``: None keeps each storage's recorded
    location, a device or string moves all, a dict maps locations, a function decides."""
    def default(storage: torch.UntypedStorage, location: str) -> torch.UntypedStorage:
        try:
            return torch.serialization.default_restore_location(storage, location)
        except RuntimeError as error:
            raise Damaged(f'its tensors were saved on {location!r}, which cannot be restored '
                          f'here ({str(error)[:200]}); pass map_location') from None

    def restore(storage: torch.UntypedStorage, location: str) -> torch.UntypedStorage:
        if map_location is None:
            return default(storage, location)
        if isinstance(map_location, dict):
            return default(storage, map_location.get(location, location))
        if isinstance(map_location, (str, torch.device)):
            return default(storage, str(map_location))
        result: Optional[torch.UntypedStorage] = map_location(storage, location)
        return default(storage, location) if result is None else result
    return restore


def full_unpickling_environment() -> ContextManager[None]:
    """torch's switch for full unpickling of ``torch.load`` calls that leave
    ``weights_only`` unset (mmengine's), for files the user trusts."""
    return _environment(_FORCE_FULL_UNPICKLING, '1')


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous
