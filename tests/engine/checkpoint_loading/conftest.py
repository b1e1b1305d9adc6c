"""Crafting hostile checkpoints: pickles that call globals of the attacker's choosing, and zip
archives written by hand."""
import copyreg
import zipfile
from pathlib import Path
from typing import Any, Dict

import pytest
import torch


class Call:
    """Pickles as ``func(*args)``, as a crafted file calls a global."""

    def __init__(self, func, *args) -> None:
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


class Built:
    """Pickles as ``func(*args)`` followed by BUILD with ``state``."""

    def __init__(self, func, args, state) -> None:
        self.func, self.args, self.state = func, args, state

    def __reduce__(self):
        return self.func, self.args, self.state


class New:
    """Pickles as ``cls.__new__(cls)`` (NEWOBJ) followed by BUILD with ``state``."""

    def __init__(self, cls, state) -> None:
        self.cls, self.state = cls, state

    @property
    def __class__(self):  # what the pickler checks NEWOBJ's class against
        return self.cls

    def __reduce__(self):
        return copyreg.__newobj__, (self.cls,), self.state


def write_archive(path: Path, pickle_bytes: bytes, records: Dict[str, bytes] = {},
                  compression: int = zipfile.ZIP_STORED) -> Path:
    """A torch-style zip checkpoint written by hand: ``archive/data.pkl`` and
    ``archive/data/<key>`` records."""
    with zipfile.ZipFile(path, 'w', compression) as archive:
        archive.writestr('archive/data.pkl', pickle_bytes)
        for key, data in records.items():
            archive.writestr(f'archive/data/{key}', data, zipfile.ZIP_STORED)
        archive.writestr('archive/byteorder', 'little', zipfile.ZIP_STORED)
    return path


@pytest.fixture
def save(tmp_path):
    """``save(payload, name='crafted.pth')``: a genuine-looking checkpoint (torch.save) with
    ``payload`` in its meta."""
    def write(payload: Any, name: str = 'crafted.pth', **kwargs) -> Path:
        path = tmp_path / name
        torch.save({'state_dict': {'weight': torch.ones(2)}, 'meta': {'note': payload}}, path,
                   **kwargs)
        return path
    return write
