"""The allow-list of checkpoints: what mmengine's, mmcv 1.x's, mmpose's and plain
``torch.save`` checkpoints contain, and nothing that runs code.

Why each entry is safe is said where it is defined: tensors and parameters
(:mod:`.torch_objects`), numpy objects (:mod:`.numpy_objects`), HistoryBuffer
(:mod:`.history_buffer`), ordered dicts, counters, sets and bytes (:mod:`.python_objects`).
"""
from collections import OrderedDict

from mmengine.logging import HistoryBuffer

from . import numpy_objects, torch_objects
from .history_buffer import history_buffer_globals
from .python_objects import build_ordered_dict, python_globals
from .restricted_unpickler import AllowList
from .torch_objects import TensorBudget


def checkpoint_allow_list(budget: TensorBudget) -> AllowList:
    """The allow-list of one load, its tensor rebuilds bound to ``budget``."""
    allow = AllowList(
        globals_={},
        builders={OrderedDict: build_ordered_dict},
        key_types=numpy_objects.KEY_TYPES + torch_objects.KEY_TYPES,
        leaf_types=(numpy_objects.LEAF_TYPES + torch_objects.LEAF_TYPES
                    + (HistoryBuffer,)))
    allow.globals.update(python_globals(allow))
    allow.globals.update(numpy_objects.numpy_globals())
    allow.globals.update(torch_objects.torch_globals(budget))
    allow.globals.update(history_buffer_globals())
    return allow


def plain_allow_list() -> AllowList:
    """Plain data only: the header pickles of torch's legacy format."""
    return AllowList(globals_={})
