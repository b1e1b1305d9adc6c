"""DDP for a model that lives on the CPU (gloo backend)."""
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm
from mmengine.registry import MODEL_WRAPPERS
from torch import nn


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` for CPU modules, selected by
    :func:`engine.prepare_cpu_distributed` when CUDA is unavailable.

    - ``device_ids`` is None: DDP refuses device ids for CPU modules, and the Runner would pass
      ``[LOCAL_RANK]``.
    - SyncBN layers become BN, with a logged note: torch's ``SyncBatchNorm`` (2.13) raises
      "expected input tensor to be on GPU" for CPU inputs in a process group, so a SyncBN
      config could not train at all. Each process then normalises with its own batch
      statistics, as BN does in DDP; on CUDA the Runner's own wrapper keeps SyncBN.

    Args:
        module: the model.
        **kwargs: as for ``MMDistributedDataParallel``; ``device_ids`` is ignored.
    """

    def __init__(self, module: nn.Module, **kwargs) -> None:
        kwargs.pop('device_ids', None)
        sync_bn_layers = sum(isinstance(m, nn.SyncBatchNorm) or type(m).__name__ ==
                             'SyncBatchNorm' for m in module.modules())
        if sync_bn_layers:
            module = revert_sync_batchnorm(module)
            print_log(f'{sync_bn_layers} SyncBN layers converted to BN: torch SyncBatchNorm '
                      'needs CUDA inputs, and this distributed run is on the CPU (gloo); '
                      'each process normalises with its own batch statistics',
                      logger='current')
        super().__init__(module=module, device_ids=None, **kwargs)
