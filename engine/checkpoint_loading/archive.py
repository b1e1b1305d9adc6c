"""Reading torch's checkpoint formats with the restricted unpickler, every size checked against
the bytes the file holds.

- The zip format (``torch.save`` since torch 1.6): ``<name>/data.pkl`` is the pickle, and each
  storage is a record ``<name>/data/<key>``, stored uncompressed (torch never compresses; a
  compressed record, which could expand a few megabytes to gigabytes, is refused).
- The legacy format (``_use_new_zipfile_serialization=False``): a magic number, a protocol
  version and system information, the pickle, the list of storage keys, then each storage's
  element count and bytes. Its storages' sizes are declared in the pickle before their bytes,
  so the pickle is run twice: first over empty ("meta") storages, to learn their sizes and to
  refuse a bad file before anything is allocated, then over the storages read.
"""
import io
import pickle
import struct
import sys
import zipfile
from typing import IO, Any, Callable, Dict, Tuple

import torch

from .allow_list import checkpoint_allow_list, plain_allow_list
from .errors import Damaged, Refusal, describe
from .restricted_unpickler import RestrictedUnpickler
from .torch_objects import Storage, StorageType, TensorBudget

# Called with each storage's bytes (an UntypedStorage on the CPU) and the location the file
# records for it ('cpu', 'cuda:0'); returns the storage where the caller wants it.
Restore = Callable[[torch.UntypedStorage, str], torch.UntypedStorage]

_ZIP_MAGIC = (b'PK\x03\x04', b'PK\x05\x06')
_LEGACY_MAGIC = 0x1950a86a20f9469cfc6c
_LEGACY_PROTOCOL = 1001
_LOCAL_HEADER = struct.Struct('<4s22xHH')


def read_checkpoint(file: IO[bytes], size: int, restore: Restore) -> Any:
    """The object a checkpoint file holds, built by the restricted unpickler.

    Args:
        file: the checkpoint, opened for binary reading at its start.
        size: its size in bytes.
        restore: moves each storage to its device (see :data:`Restore`).

    Raises:
        Refusal: the file asks for something outside the allow-list or its limits.
        Damaged: the file is empty, truncated, damaged, or not a checkpoint.
    """
    head = file.read(512)
    file.seek(0)
    if not head:
        raise Damaged('the file is empty')
    if head.startswith(_ZIP_MAGIC):
        return _read_zip(file, size, restore)
    if head[:1] == pickle.PROTO:
        return _read_legacy(file, size, restore)
    raise Damaged(_what_else(head))


def _what_else(head: bytes) -> str:
    """Why ``head`` does not start a checkpoint, saying what it looks like instead."""
    text = head.lstrip()[:64]
    if text[:1] == b'<':
        kind = 'an HTML or XML page (a download that returned a web page?)' \
            if text.lower().startswith((b'<!doctype html', b'<html', b'<?xml')) else 'text'
        return f'not a checkpoint: it is {kind}, starting with {text[:40]!r}'
    if head[257:262] == b'ustar':
        return ("torch's tar format of before torch 0.4, which is read only with full "
                'unpickling (--trust-checkpoint)')
    return (f"not a checkpoint: neither torch's zip format nor its legacy format (it starts "
            f'with {head[:16]!r})')


# The zip format.

def _read_zip(file: IO[bytes], size: int, restore: Restore) -> Any:
    try:
        archive = zipfile.ZipFile(file)
        records = {info.filename: info for info in archive.infolist()}
    except Exception as error:  # zipfile raises BadZipFile, but also OSError, EOFError,
        # ValueError and NotImplementedError on damaged directories
        raise Damaged(f'a damaged or truncated zip archive ({type(error).__name__}: '
                      f'{str(error)[:200]})') from None
    pickles = [name for name in records if name.endswith('/data.pkl') and name.count('/') == 1]
    if len(pickles) != 1:
        raise Damaged('a zip archive that is not a torch checkpoint (no data.pkl at its top)')
    prefix = pickles[0][:-len('data.pkl')]
    if prefix + 'constants.pkl' in records:
        raise Damaged('a TorchScript module (torch.jit.save), not a checkpoint: load it with '
                      'torch.jit.load')
    byte_order = records.get(prefix + 'byteorder')
    if byte_order is not None and \
            _record(file, size, byte_order).decode('ascii', 'replace') != sys.byteorder:
        raise Damaged('its tensors are in the byte order of another machine, which is read '
                      'only on such a machine')

    budget = TensorBudget()
    storages: Dict[str, Storage] = {}

    def persistent_load(pid: Any) -> Storage:
        stype, key, location, numel = _storage_id(pid, 5)
        if key not in storages:
            info = records.get(f'{prefix}data/{key}')
            if info is None:
                raise Damaged(f'storage {key} is missing from the archive')
            nbytes = numel * _itemsize(stype.dtype)
            if info.file_size != nbytes:
                raise Damaged(f'storage {key} holds {info.file_size} bytes where its tensors '
                              f'need {nbytes}')
            budget.add_storage(nbytes)
            untyped = _untyped(_record(file, size, info))
            storages[key] = Storage(restore(untyped, location), stype.dtype)
        return storages[key]

    pickled = io.BytesIO(_record(file, size, records[pickles[0]]))
    return RestrictedUnpickler(checkpoint_allow_list(budget), persistent_load).load(pickled)


def _record(file: IO[bytes], size: int, info: zipfile.ZipInfo) -> bytearray:
    """A record's bytes, read from behind its local header (no CRC check, like torch's own
    reader, which the ``compute_crc32=False`` option of torch.save relies on)."""
    if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
        raise Damaged(f'record {info.filename} is compressed, which torch never writes')
    file.seek(info.header_offset)
    header = file.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b'PK\x03\x04':
        raise Damaged(f'record {info.filename} has no local header (a damaged archive)')
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[1:]
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    if start + info.file_size > size:
        raise Damaged(f'record {info.filename} ends beyond the end of the file (a truncated '
                      'file)')
    file.seek(start)
    data = bytearray(info.file_size)
    if file.readinto(data) != info.file_size:
        raise Damaged(f'record {info.filename} is cut short (a truncated file)')
    return data


def _storage_id(pid: Any, length: int) -> Tuple[StorageType, str, str, int]:
    """(storage type, key, location, element count) of a storage's persistent id."""
    if not (type(pid) is tuple and len(pid) == length and pid[0] in ('storage', b'storage')):
        raise Refusal(f'a persistent id that is {describe(pid)}, not a storage')
    stype, key, location, numel = pid[1:5]
    if not (isinstance(stype, StorageType) and type(key) is str and len(key) <= 64
            and type(location) is str and len(location) <= 32 and type(numel) is int
            and 0 <= numel < 2 ** 62):
        raise Refusal('a storage id whose type, key, location or size is malformed')
    return stype, key, location, numel


def _itemsize(dtype: torch.dtype) -> int:
    return torch.empty(0, dtype=dtype).element_size()


def _untyped(data: bytearray) -> torch.UntypedStorage:
    if not data:
        return torch.UntypedStorage(0)
    return torch.frombuffer(data, dtype=torch.uint8).untyped_storage()


# The legacy format.

def _read_legacy(file: IO[bytes], size: int, restore: Restore) -> Any:
    stream = _Bounded(file, size)
    plain = RestrictedUnpickler(plain_allow_list())
    if plain.load(stream) != _LEGACY_MAGIC:
        raise Damaged('a pickle, but not a torch checkpoint (no torch magic number)')
    if plain.load(stream) != _LEGACY_PROTOCOL:
        raise Damaged("torch's legacy format of an unknown version")
    system = plain.load(stream)
    if type(system) is not dict or system.get('little_endian') != (sys.byteorder == 'little'):
        raise Damaged('its tensors are in the byte order of another machine, which is read '
                      'only on such a machine')
    start = file.tell()

    # First pass: storages without bytes, their sizes bounded by the file's.
    declared: Dict[str, Tuple[torch.dtype, int]] = {}
    meta_budget = TensorBudget()

    def declare(pid: Any) -> Storage:
        stype, key, _, numel = _storage_id(pid, 6)
        nbytes = numel * _itemsize(stype.dtype)
        if nbytes > size:
            raise Damaged(f'storage {key} declares {nbytes} bytes, more than the file holds')
        if key not in declared:
            declared[key] = (stype.dtype, numel)
            meta_budget.add_storage(nbytes)
        dtype, numel = declared[key]
        root = torch.UntypedStorage(numel * _itemsize(dtype), device='meta')
        return Storage(_view(root, dtype, pid[5]), dtype)

    RestrictedUnpickler(checkpoint_allow_list(meta_budget), declare).load(stream)
    keys = plain.load(stream)
    if not (type(keys) is list and all(type(key) is str for key in keys)
            and len(set(keys)) == len(keys) and set(keys) == set(declared)):
        raise Damaged('its list of storages does not match the storages its tensors use')

    roots: Dict[str, Tuple[torch.UntypedStorage, torch.dtype]] = {}
    for key in keys:
        dtype, numel = declared[key]
        count = stream.read(8)
        if len(count) != 8 or struct.unpack('<q', count)[0] != numel:
            raise Damaged(f'storage {key} is cut short or of another size than declared')
        data = bytearray(numel * _itemsize(dtype))
        if stream.readinto(data) != len(data):
            raise Damaged(f'storage {key} is cut short (a truncated file)')
        roots[key] = (_untyped(data), dtype)

    # Second pass: the same pickle over the storages read, each restored once.
    budget = TensorBudget()
    restored: Dict[str, torch.UntypedStorage] = {}

    def load(pid: Any) -> Storage:
        stype, key, location, _ = _storage_id(pid, 6)
        if key not in restored:
            budget.add_storage(roots[key][0].nbytes())
            restored[key] = restore(roots[key][0], location)
        dtype = roots[key][1]
        return Storage(_view(restored[key], dtype, pid[5]), dtype)

    file.seek(start)
    return RestrictedUnpickler(checkpoint_allow_list(budget), load).load(stream)


def _view(root: torch.UntypedStorage, dtype: torch.dtype, view: Any) -> torch.UntypedStorage:
    """The legacy format's storage views: ``(view key, offset, size)`` in elements."""
    if view is None:
        return root
    itemsize = _itemsize(dtype)
    if not (type(view) is tuple and len(view) == 3 and type(view[1]) is int
            and type(view[2]) is int and 0 <= view[1] and 0 <= view[2]
            and (view[1] + view[2]) * itemsize <= root.nbytes()):
        raise Refusal('a storage view outside its storage')
    return root[view[1] * itemsize:(view[1] + view[2]) * itemsize]


class _Bounded(io.RawIOBase):
    """A file whose reads never ask for more than it holds: pickletools reads a length field's
    count of bytes, which a file can set to terabytes."""

    def __init__(self, file: IO[bytes], size: int) -> None:
        self.file, self.size = file, size

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.file.tell()

    def read(self, n: int = -1) -> bytes:
        left = max(self.size - self.file.tell(), 0)
        return self.file.read(left if n is None or n < 0 else min(n, left))

    def readinto(self, buffer) -> int:
        return self.file.readinto(buffer)

    def readline(self, limit: int = -1) -> bytes:
        return self.file.readline(limit)
