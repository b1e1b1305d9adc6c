"""Distributed runs on machines without CUDA: the same configs and launchers, over gloo.

mmengine 0.10.7 assumes CUDA in a distributed run in three places, each handled here without
changing mmengine:

- the configs name the nccl backend, which needs CUDA: gloo is used instead;
- ``init_dist`` calls ``torch.cuda.set_device(LOCAL_RANK)`` before creating the process group,
  which raises on CPU-only machines: the process group is created here, before the Runner
  (whose ``setup_env`` then finds it and does not create another), with that call skipped;
- ``Runner.wrap_model`` gives DDP ``device_ids=[LOCAL_RANK]``, which DDP refuses for CPU
  modules: ``model_wrapper_cfg`` selects :class:`CPUDistributedDataParallel`, which also turns
  SyncBN (CUDA-only in torch) into BN.
"""
from typing import List

import torch
from mmengine.config import Config
from mmengine.dist import init_dist, is_distributed

from .dependency_patches import cuda_device_selection_skipped

_DDP_TYPES = (None, 'MMDistributedDataParallel', 'CPUDistributedDataParallel')


def prepare_cpu_distributed(cfg: Config) -> List[str]:
    """Adapt a distributed run to a machine without CUDA and create its process group.

    Does nothing (and returns no notes) for single-process runs and when CUDA is available.
    Must be called before the Runner is built.

    Returns:
        Notes for the run's log, saying what was changed.
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or torch.cuda.is_available():
        return []
    notes = []
    dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    backend = dist_cfg.get('backend', 'nccl')
    if backend != 'gloo':
        notes.append(f'CUDA is not available: distributed backend {backend!r} replaced by '
                     "'gloo' (processes communicate through the CPU)")
        dist_cfg['backend'] = 'gloo'
    _select_cpu_model_wrapper(cfg)
    if not is_distributed():
        with cuda_device_selection_skipped():
            init_dist(launcher, **dist_cfg)
    return notes


def _select_cpu_model_wrapper(cfg: Config) -> None:
    """Wrap the model in CPUDistributedDataParallel, keeping the config's DDP options."""
    wrapper = cfg.get('model_wrapper_cfg') or {}
    if wrapper.get('type') not in _DDP_TYPES:
        return  # a custom wrapper: the user decides its devices
    cfg.model_wrapper_cfg = dict(
        wrapper,
        type='CPUDistributedDataParallel',
        # The Runner's defaults for its own DDP wrapper.
        broadcast_buffers=wrapper.get('broadcast_buffers', False),
        find_unused_parameters=wrapper.get('find_unused_parameters',
                                           cfg.get('find_unused_parameters', False)))
