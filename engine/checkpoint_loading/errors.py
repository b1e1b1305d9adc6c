"""The errors of checkpoint loading, and how a refusal names what a file holds."""
from typing import Any


class CheckpointError(RuntimeError):
    """A checkpoint could not be loaded. ``path`` names the file, ``reason`` says why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(self._message())

    def _message(self) -> str:
        return f'cannot load checkpoint {self.path}: {self.reason}'


class UnsafeCheckpointError(CheckpointError):
    """The checkpoint needs more than weights-only unpickling, and its source is not trusted."""

    def _message(self) -> str:
        return (f'refused to load checkpoint {self.path}: {self.reason}. Loading it would need '
                'arbitrary unpickling, which can run code; if you trust its source, pass '
                '--trust-checkpoint (trust_checkpoint=True in the Python API).')


class Refusal(Exception):
    """Raised inside the unpickler: what the file asked for that is not allowed.

    :func:`~engine.checkpoint_loading.load_checkpoint_file` turns it into an
    :class:`UnsafeCheckpointError` naming the file.
    """


class Damaged(Exception):
    """Raised inside the loader: the file is not a well-formed checkpoint, or exceeds what a
    genuine checkpoint of its size could hold. Becomes a :class:`CheckpointError`."""


def describe(obj: Any) -> str:
    """A short description of a file-chosen object for a message: its type, its size, and
    for strings and numbers their first characters. Never the ``repr`` of a container (a file
    can make one that prints to gigabytes)."""
    kind = type(obj).__name__
    if isinstance(obj, (str, bytes, bytearray)):
        head = repr(obj[:40])
        return f'{kind} {head}{"..." if len(obj) > 40 else ""}'
    if isinstance(obj, (bool, float, complex)) or obj is None:
        return repr(obj)
    if isinstance(obj, int):
        return repr(obj) if obj.bit_length() <= 64 else f'an integer of {obj.bit_length()} bits'
    if isinstance(obj, (tuple, list, dict, set, frozenset)):
        return f'a {kind} of {len(obj)} items'
    return f'a {kind}'
