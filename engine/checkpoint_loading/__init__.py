"""Checkpoint loading that no file can turn into code execution, a changed process, or
unbounded work: a restricted unpickler with an allow-list of what checkpoints hold, torch's
zip and legacy formats read with every size checked, and mmengine's loaders routed through
it (see :mod:`.loading` for the guarantees, :mod:`.schemes` for mmengine).
"""
from .download import local_checkpoint
from .errors import CheckpointError, UnsafeCheckpointError
from .loading import (checkpoint_trust, checkpoints_trusted, load_checkpoint_file,
                      read_checkpoint_bytes)
from .schemes import guard_checkpoint_schemes

__all__ = ['CheckpointError', 'UnsafeCheckpointError', 'checkpoint_trust',
           'checkpoints_trusted', 'guard_checkpoint_schemes', 'load_checkpoint_file',
           'local_checkpoint', 'read_checkpoint_bytes']
