"""Turn a training checkpoint into a published one: weights and plain metadata, a hash in its
name (the OpenMMLab convention of mmpose's and mmdet's ``tools/misc/publish_model.py``).

    python tools/misc/publish_model.py IN_FILE OUT_FILE

Writes ``<OUT_FILE without .pth>-<first 8 hex digits of its sha256>_<YYYYMMDD>.pth`` (the name
form of mmpose's released models, e.g. ``litehrnet18_coco_256x192-6bace359_20211230.pth``)
holding:

- ``state_dict``: the model's weights, as trained;
- ``meta``: the training metadata (epoch, iteration, config text, seed, ``dataset_meta``...)
  with numpy arrays turned into lists and numpy scalars into Python numbers; an entry of any
  other type is dropped, and named.

The optimizer, the parameter schedulers and the message hub (the resume state) are left out.
A checkpoint written by ``tools/train.py`` carries numpy arrays in ``meta.dataset_meta`` and
mmengine ``HistoryBuffer`` objects in ``message_hub``, which ``torch.load(weights_only=True)``
refuses; that is how mmengine 0.10.7 loads checkpoints under torch >= 2.6 in a project without
this one's loader (``init_cfg=dict(type='Pretrained', ...)``, ``load_from``). The published file
loads there, and the tool checks that it does before naming it.

The input is read by the guarded loader (``engine.load_checkpoint_file``: no code in the file
runs), and the output never replaces it.
"""
import argparse
import datetime
import hashlib
import os
import os.path as osp
from collections import OrderedDict
from typing import Any, Dict, List, Tuple

import numpy as np
import torch

from engine import load_checkpoint_file, refuse_overwriting_inputs

PLAIN_SCALARS = (str, int, float, bool, type(None))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('in_file', help='a checkpoint written by tools/train.py')
    parser.add_argument('out_file', help='the published name before the hash, e.g. '
                        'litehrnet18_coco_256x192.pth')
    return parser.parse_args()


def plain(value: Any, where: str, dropped: List[str]) -> Any:
    """``value`` with numpy arrays as lists and numpy scalars as Python numbers; containers
    converted item by item; anything else that ``torch.load(weights_only=True)`` would refuse
    is left out (returned as ``None``) and its place appended to ``dropped``."""
    if isinstance(value, PLAIN_SCALARS):
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, dict):
        items = ((key, plain(item, f'{where}[{key!r}]', dropped)) for key, item in value.items())
        return {key: item for key, item in items if item is not None or value[key] is None}
    if isinstance(value, (list, tuple)):
        items = [plain(item, f'{where}[{i}]', dropped) for i, item in enumerate(value)]
        return items if isinstance(value, list) else tuple(items)
    dropped.append(f'{where} (a {type(value).__name__})')
    return None


def published_checkpoint(checkpoint: Any, in_file: str) -> Tuple[Dict[str, Any], List[str]]:
    """The ``state_dict`` and plain ``meta`` of a loaded training checkpoint, and the places
    of the metadata left out.

    Raises:
        ValueError: naming ``in_file`` when it holds no ``state_dict`` of tensors.
    """
    weights = checkpoint.get('state_dict') if isinstance(checkpoint, dict) else None
    if not isinstance(weights, dict) or not weights:
        raise ValueError(f'{in_file}: not a training checkpoint (no "state_dict" dict of '
                         'weights)')
    not_tensors = [key for key, tensor in weights.items() if not isinstance(tensor, torch.Tensor)]
    if not_tensors:
        raise ValueError(f'{in_file}: state_dict entry {not_tensors[0]!r} is a '
                         f'{type(weights[not_tensors[0]]).__name__}, not a tensor')
    dropped: List[str] = []
    published = dict(state_dict=OrderedDict(
        (key, tensor.detach().cpu().clone()) for key, tensor in weights.items()))
    if isinstance(checkpoint.get('meta'), dict):
        published['meta'] = plain(checkpoint['meta'], 'meta', dropped)
    return published, dropped


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for block in iter(lambda: file.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def hashed_name(out_file: str, digest: str, day: datetime.date) -> str:
    """``name.pth`` -> ``name-<8 hex>_<YYYYMMDD>.pth`` (mmpose's released-model names)."""
    stem = out_file[:-4] if out_file.endswith('.pth') else out_file
    return f'{stem}-{digest[:8]}_{day.strftime("%Y%m%d")}.pth'


def main() -> None:
    args = parse_args()
    partial = args.out_file + '.partial'
    for output in (args.out_file, partial):
        refuse_overwriting_inputs(output, [args.in_file])
    checkpoint = load_checkpoint_file(args.in_file)
    published, dropped = published_checkpoint(checkpoint, args.in_file)
    left_out = sorted(str(key) for key in checkpoint if key not in published)
    try:
        torch.save(published, partial)
        torch.load(partial, map_location='cpu', weights_only=True)  # what mmengine will do
        final = hashed_name(args.out_file, sha256(partial), datetime.date.today())
        refuse_overwriting_inputs(final, [args.in_file])
    except BaseException:
        if osp.exists(partial):
            os.remove(partial)
        raise
    os.replace(partial, final)
    for place in dropped:
        print(f'left out {place}: not plain data')
    print(f'kept {", ".join(published)} ({len(published["state_dict"])} tensors); left out '
          f'{", ".join(left_out) or "nothing"}')
    print(f'wrote {final} ({osp.getsize(final) / 2**20:.1f} MiB)')


if __name__ == '__main__':
    main()
