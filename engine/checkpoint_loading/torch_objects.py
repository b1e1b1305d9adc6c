"""Tensors, parameters and torch's small value types, rebuilt from validated arguments.

A tensor in a checkpoint is ``_rebuild_tensor_v2(storage, offset, size, stride, ...)`` over a
storage whose bytes are a record of the file. The rebuild checks that the view stays inside
its storage, and a :class:`TensorBudget` bounds the elements all views claim together by the
bytes the file really holds, so that a 4-byte storage cannot pose as 10**18 elements (a
stride-0 view) for whatever computes on it later.
"""
import math
import re
from collections import OrderedDict
from typing import Any, Dict

import torch

from .errors import Refusal, describe
from .restricted_unpickler import Allowed

# The storage classes torch.save names in a storage's persistent id (``torch.FloatStorage``,
# ...), by the dtype of their items. An UntypedStorage holds bytes.
STORAGE_DTYPES: Dict[str, torch.dtype] = {
    'DoubleStorage': torch.float64, 'FloatStorage': torch.float32,
    'HalfStorage': torch.float16, 'BFloat16Storage': torch.bfloat16,
    'LongStorage': torch.int64, 'IntStorage': torch.int32, 'ShortStorage': torch.int16,
    'CharStorage': torch.int8, 'ByteStorage': torch.uint8, 'BoolStorage': torch.bool,
    'ComplexFloatStorage': torch.complex64, 'ComplexDoubleStorage': torch.complex128,
    'UntypedStorage': torch.uint8,
}
_MAX_DIMS = 32
_DEVICE = re.compile(r'[a-z_]{1,16}(:\d{1,4})?')


class TensorBudget:
    """The bytes of storage a load has read, and the bytes its tensors claim: at most
    ``factor`` times the first (views and tied weights share storage; a genuine checkpoint
    claims about once what it holds), plus ``slack`` for tiny files."""

    def __init__(self, factor: int = 4, slack: int = 2 ** 20) -> None:
        self.factor, self.slack = factor, slack
        self.storage_bytes = self.tensor_bytes = 0

    def add_storage(self, nbytes: int) -> None:
        self.storage_bytes += nbytes

    def add_tensor(self, nbytes: int) -> None:
        self.tensor_bytes += nbytes
        if self.tensor_bytes > self.factor * self.storage_bytes + self.slack:
            raise Refusal(f'its tensors claim {self.tensor_bytes} bytes over '
                          f'{self.storage_bytes} bytes of stored data')


class StorageType(Allowed):
    """``torch.FloatStorage`` and its kin: only as the type in a storage's persistent id."""

    def __init__(self, name: str, dtype: torch.dtype) -> None:
        super().__init__(name)
        self.dtype = dtype


class Storage:
    """A storage of the file: its bytes (an ``UntypedStorage`` on its restored device) and
    the dtype the file declared for its items."""

    def __init__(self, untyped: torch.UntypedStorage, dtype: torch.dtype) -> None:
        self.untyped, self.dtype = untyped, dtype


def _int(obj: Any, what: str, low: int = 0, high: int = 2 ** 62) -> int:
    if type(obj) is not int or not low <= obj < high:
        raise Refusal(f'a tensor {what} that is {describe(obj)}')
    return obj


def _ints(obj: Any, what: str) -> tuple:
    if type(obj) not in (tuple, torch.Size) or len(obj) > _MAX_DIMS:
        raise Refusal(f'a tensor {what} that is {describe(obj)}')
    return tuple(_int(n, what) for n in obj)


def _no_hooks(hooks: Any) -> None:
    if type(hooks) not in (OrderedDict, dict) or hooks:
        raise Refusal('a tensor with backward hooks')


def _no_state(state: Any) -> None:
    if state is not None and not (type(state) in (dict, OrderedDict) and not state):
        raise Refusal('a tensor with Python attributes')


class _RebuildTensor(Allowed):
    """``_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[,
    metadata])`` and ``_rebuild_tensor_v3(..., backward_hooks, dtype[, metadata])``: the view
    of a storage that ``torch.save`` records for each tensor."""

    def __init__(self, name: str, budget: TensorBudget, with_dtype: bool) -> None:
        super().__init__(name)
        self.budget, self.with_dtype = budget, with_dtype

    def call(self, args: tuple) -> torch.Tensor:
        fixed = 7 if self.with_dtype else 6
        if len(args) not in (fixed, fixed + 1) or not isinstance(args[0], Storage):
            raise Refusal(f'{self.name} with other arguments than a storage view')
        storage, offset, size, stride, requires_grad, hooks = args[:6]
        dtype = args[6] if self.with_dtype else storage.dtype
        if not isinstance(dtype, torch.dtype):
            raise Refusal(f'a tensor dtype that is {describe(dtype)}')
        _no_hooks(hooks)
        _no_state(args[fixed] if len(args) > fixed else None)  # conjugate/negative bits
        offset, size, stride = _int(offset, 'offset'), _ints(size, 'size'), \
            _ints(stride, 'stride')
        if len(size) != len(stride) or type(requires_grad) is not bool:
            raise Refusal('a tensor whose size, stride and requires_grad do not agree')
        itemsize = torch.empty(0, dtype=dtype).element_size()
        numel = math.prod(size)
        if numel:
            end = offset + sum((n - 1) * step for n, step in zip(size, stride)) + 1
            if end * itemsize > storage.untyped.nbytes():
                raise Refusal(f'a tensor of size {size} and stride {stride} that reaches '
                              f'outside its storage of {storage.untyped.nbytes()} bytes')
        self.budget.add_tensor(numel * itemsize)
        tensor = torch.empty(0, dtype=dtype, device=storage.untyped.device)
        tensor.set_(storage.untyped, offset, size, stride)
        if requires_grad:
            if not (tensor.is_floating_point() or tensor.is_complex()):
                raise Refusal(f'a tensor of {dtype} that requires grad')
            tensor.requires_grad_(True)
        return tensor


class _RebuildParameter(Allowed):
    """``_rebuild_parameter(data, requires_grad, backward_hooks)`` and
    ``_rebuild_parameter_with_state(..., state)`` with an empty state."""

    def call(self, args: tuple) -> torch.nn.Parameter:
        if len(args) not in (3, 4) or type(args[0]) is not torch.Tensor \
                or type(args[1]) is not bool:
            raise Refusal(f'{self.name} with other arguments than a tensor and flags')
        _no_hooks(args[2])
        _no_state(args[3] if len(args) == 4 else None)
        if args[1] and not (args[0].is_floating_point() or args[0].is_complex()):
            raise Refusal(f'a parameter of {args[0].dtype} that requires grad')
        return torch.nn.Parameter(args[0], requires_grad=args[1])


class _TensorClass(Allowed):
    """``torch.Tensor``: only as the type argument of ``_rebuild_from_type_v2``."""


class _RebuildFromType(Allowed):
    """``_rebuild_from_type_v2(func, new_type, args, state)``: torch's form for tensors
    with Python state or of a subclass; allowed for plain tensors without state, by one of
    the rebuild functions above (torch's own calls any ``func`` it is given)."""

    def __init__(self, name: str, tensor_class: _TensorClass, *rebuilds: Allowed) -> None:
        super().__init__(name)
        self.tensor_class, self.rebuilds = tensor_class, rebuilds

    def call(self, args: tuple) -> torch.Tensor:
        if not (len(args) == 4 and any(args[0] is rebuild for rebuild in self.rebuilds)
                and args[1] is self.tensor_class and type(args[2]) is tuple):
            raise Refusal(f'{self.name} of anything but a plain tensor')
        _no_state(args[3])
        return args[0].call(args[2])


class _Size(Allowed):
    def call(self, args: tuple) -> torch.Size:
        if len(args) != 1:
            raise Refusal('torch.Size with other arguments than its dimensions')
        return torch.Size(_ints(args[0], 'size'))


class _Device(Allowed):
    def call(self, args: tuple) -> torch.device:
        if not (1 <= len(args) <= 2 and type(args[0]) is str and _DEVICE.fullmatch(args[0])
                and (len(args) == 1 or type(args[1]) is int and 0 <= args[1] < 2 ** 16)):
            raise Refusal('torch.device with other arguments than a device name and index')
        try:
            return torch.device(*args)
        except RuntimeError:
            raise Refusal(f'torch.device{args}, which torch does not know') from None


def torch_globals(budget: TensorBudget) -> Dict[str, Any]:
    """The torch globals of checkpoints: tensor and parameter rebuilds (bound to ``budget``),
    storage types, dtypes, ``torch.Size`` and ``torch.device``."""
    tensor_v2 = _RebuildTensor('torch._utils._rebuild_tensor_v2', budget, with_dtype=False)
    tensor_v3 = _RebuildTensor('torch._utils._rebuild_tensor_v3', budget, with_dtype=True)
    parameter = _RebuildParameter('torch._utils._rebuild_parameter')
    tensor_class = _TensorClass('torch.Tensor')
    entries: Dict[str, Any] = {
        entry.name: entry for entry in (
            tensor_v2, tensor_v3, parameter, tensor_class,
            _RebuildParameter('torch._utils._rebuild_parameter_with_state'),
            _RebuildFromType('torch._tensor._rebuild_from_type_v2', tensor_class, tensor_v2,
                             tensor_v3),
            _Size('torch.Size'), _Device('torch.device'))}
    entries.update({f'torch.{name}': StorageType(f'torch.{name}', dtype)
                    for name, dtype in STORAGE_DTYPES.items()})
    # torch.float32 and its kin, read from the module's namespace (torch's module
    # __getattr__ imports submodules on demand, so no getattr with a file's name).
    entries.update({f'torch.{name}': value for name, value in vars(torch).items()
                    if isinstance(value, torch.dtype)})
    return entries


LEAF_TYPES = (torch.Tensor, torch.Size, torch.dtype, torch.device)
KEY_TYPES = (torch.dtype,)
