"""mmengine's checkpoint loading, routed through the guarded loader.

mmengine loads every checkpoint (``load_from``, ``resume``, ``init_cfg=dict(type='Pretrained')``,
mmdet's and mmseg's own ``load_checkpoint``) through ``CheckpointLoader``, whose loader for each
path scheme calls ``torch.load`` without ``weights_only`` (so one environment variable,
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``, turns on full unpickling) or torch hub's
``load_state_dict_from_url``, which unpickles fully by default. mmengine lets a scheme's loader
be registered; :func:`guard_checkpoint_schemes` registers, for each of mmengine's schemes, one
that fetches the file as mmengine does and loads it with :func:`load_checkpoint_file`, unless
the current context trusts checkpoints (:func:`checkpoint_trust`), in which case mmengine's own
loader runs with full unpickling.
"""
import os.path as osp
from tempfile import TemporaryDirectory
from typing import Any, Callable, Dict

import torch.distributed
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

from .download import local_checkpoint
from .loading import (checkpoints_trusted, full_unpickling_environment, load_checkpoint_file,
                      read_checkpoint_bytes)

Loader = Callable[..., Any]


def load_from_local(filename: str, map_location=None) -> Any:
    return load_checkpoint_file(osp.expanduser(filename), map_location=map_location)


def load_from_http(url: str, map_location=None) -> Any:
    """Downloaded into torch hub's cache, by the first process of each machine before the
    others (as mmengine does), then loaded as a file."""
    rank, world_size = get_dist_info()
    if rank == 0:
        path = local_checkpoint(url)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            path = local_checkpoint(url)
    return load_checkpoint_file(path, map_location=map_location)


def load_from_torchvision(filename: str, map_location=None) -> Any:
    name = filename.split('://', 1)[1]
    return load_from_http(mmengine_checkpoint.get_torchvision_models()[name], map_location)


def load_from_openmmlab(filename: str, map_location=None) -> Any:
    name = filename.split('://', 1)[1]
    name = mmengine_checkpoint.get_deprecated_model_names().get(name, name)
    url = mmengine_checkpoint.get_external_models()[name]
    if url.startswith(('http://', 'https://')):
        return load_from_http(url, map_location)
    return load_checkpoint_file(osp.join(mmengine_checkpoint._get_mmengine_home(), url),
                                map_location=map_location)


def load_from_mmcls(filename: str, map_location=None) -> Any:
    url = mmengine_checkpoint.get_mmcls_models()[filename[len('mmcls://'):]]
    return mmengine_checkpoint._process_mmcls_checkpoint(load_from_http(url, map_location))


def load_from_ceph(filename: str, map_location=None, backend: str = 'petrel') -> Any:
    data = get_file_backend(filename, backend_args={'backend': backend}).get(filename)
    return read_checkpoint_bytes(data, filename, map_location)


def load_from_pavi(filename: str, map_location=None) -> Any:
    from pavi import modelcloud  # what mmengine's loader needs too
    model = modelcloud.get(filename[len('pavi://'):])
    with TemporaryDirectory() as folder:
        path = osp.join(folder, model.name)
        model.download(path)
        return load_checkpoint_file(path, map_location=map_location)


# mmengine's prefixes (as mmengine 0.10 registers them) -> the guarded loader.
_SCHEMES: Dict[str, Loader] = {
    '': load_from_local,
    'http://': load_from_http, 'https://': load_from_http,
    'pavi://': load_from_pavi,
    r'(\S+\:)?s3://': load_from_ceph, r'(\S+\:)?petrel://': load_from_ceph,
    'modelzoo://': load_from_torchvision, 'torchvision://': load_from_torchvision,
    'open-mmlab://': load_from_openmmlab, 'openmmlab://': load_from_openmmlab,
    'mmcls://': load_from_mmcls,
}


def _guarded(guarded: Loader, original: Loader) -> Loader:
    def load(filename: str, map_location=None) -> Any:
        if checkpoints_trusted():
            with full_unpickling_environment():
                return original(filename, map_location)
        return guarded(filename, map_location)
    load.__name__ = original.__name__  # mmengine logs "Loads checkpoint by <name> backend"
    load.__qualname__ = original.__qualname__
    load.guarded = True
    return load


def guard_checkpoint_schemes() -> None:
    """Register the guarded loaders for mmengine's schemes (again after someone replaced
    them; a no-op when they are in place).

    Raises:
        RuntimeError: mmengine no longer registers one of these schemes (a new mmengine
            release whose loading must be looked at again).
    """
    for prefix, guarded in _SCHEMES.items():
        current = CheckpointLoader._schemes.get(prefix)
        if current is None:
            raise RuntimeError(f'mmengine registers no checkpoint loader for {prefix!r}; '
                               'engine.checkpoint_loading.schemes needs updating')
        if not getattr(current, 'guarded', False):
            CheckpointLoader.register_scheme(prefix, _guarded(guarded, current), force=True)
