"""Does a checkpoint's state dict fit a model? mmengine's Runner loads ``load_from``
non-strictly: missing, unexpected and wrongly shaped weights only produce a warning, and
training goes on from partly random weights."""
import copy
import logging
import re
from collections import OrderedDict
from typing import List, Mapping

from mmengine.model import is_model_wrapper
from torch import nn

SHOWN = 10  # mismatches listed in a message


def checkpoint_mismatches(model: nn.Module, checkpoint: Mapping) -> List[str]:
    """The weights of ``checkpoint`` that would not load into ``model``, one line per key:
    missing from the checkpoint, not in the model, or of another shape.

    The checkpoint is read as mmengine's ``load_checkpoint`` reads it (its ``state_dict``
    entry, ``module.`` prefixes of DDP-saved weights removed, the model's own key renaming
    hooks applied, missing ``num_batches_tracked`` buffers ignored) and loaded into a copy of
    the model, so ``model`` is left unchanged.
    """
    module = copy.deepcopy(model.module if is_model_wrapper(model) else model)
    state = checkpoint.get('state_dict', checkpoint)
    metadata = getattr(state, '_metadata', None)
    state = OrderedDict((re.sub(r'^module\.', '', key), value) for key, value in state.items())
    missing: List[str] = []
    unexpected: List[str] = []
    errors: List[str] = []

    # torch's Module.load_state_dict without its final raise, as mmengine's load_state_dict:
    # each module applies its load pre-hooks and reports its own keys.
    def load(child: nn.Module, prefix: str = '') -> None:
        local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
        child._load_from_state_dict(state, prefix, local_metadata, True, missing, unexpected,
                                    errors)
        for name, grandchild in child._modules.items():
            if grandchild is not None:
                load(grandchild, prefix + name + '.')

    load(module)
    return ([f'missing in the checkpoint: {key}' for key in missing
             if 'num_batches_tracked' not in key]
            + [f'not in the model: {key}' for key in unexpected]
            + [error.replace('\n', ' ') for error in errors])


def describe_mismatches(path: str, mismatches: List[str]) -> str:
    """A message naming the checkpoint and listing the first mismatches."""
    shown = '\n  '.join(mismatches[:SHOWN])
    more = f'\n  ... and {len(mismatches) - SHOWN} more' if len(mismatches) > SHOWN else ''
    return (f'checkpoint {path} does not fit the model of this config ({len(mismatches)} '
            f'mismatching weights):\n  {shown}{more}')


class CheckpointMismatchError(RuntimeError):
    """A checkpoint that does not fit the model, loaded without permission to load partly."""


def require_checkpoint_fit(model: nn.Module, path: str, checkpoint: Mapping,
                           allow_partial: bool, logger: logging.Logger) -> None:
    """Refuse a checkpoint that does not fit ``model`` unless partial loading is allowed, in
    which case the mismatches are logged as a warning and the matching weights will load.

    Raises:
        CheckpointMismatchError: listing the first mismatches and how to proceed.
    """
    mismatches = checkpoint_mismatches(model, checkpoint)
    if not mismatches:
        return
    message = describe_mismatches(path, mismatches)
    if not allow_partial:
        raise CheckpointMismatchError(
            f'{message}\nUse a checkpoint of this model, or pass --allow-partial-load to load '
            'the weights that fit and leave the others as initialised (e.g. fine-tuning with '
            'a new head).')
    logger.warning(f'{message}\n--allow-partial-load: loading only the weights that fit.')
