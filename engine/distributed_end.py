"""The orderly end of a distributed run."""
import torch.distributed as dist


def end_distributed() -> None:
    """Destroy the process group, if there is one, once the run has finished.

    mmengine leaves the group alive until interpreter exit, where torch (2.13, gloo) tears down
    its threads in no defined order: a rank that ends first may abort ("terminate called
    without an active exception"), failing a run that had finished. ``destroy_process_group``
    waits for the other ranks and joins those threads.
    """
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
