"""The orderly end of a distributed run."""
import torch.distributed as dist


def end_distributed() -> None:
    """Wait for every rank, then destroy the process group, if there is one.

    On gloo (CPU runs) the ranks meet in ``monitored_barrier``, which waits outside gloo's
    worker threads with the GIL released: with ``dist.barrier()`` a worker thread could still
    be freeing a collective while the interpreter finalised, which aborts the process after a
    finished run (docs/distributed.md, "How a CPU run ends").
    """
    if not (dist.is_available() and dist.is_initialized()):
        return
    if dist.get_backend() == dist.Backend.GLOO:
        dist.monitored_barrier()
    else:
        dist.barrier()
    dist.destroy_process_group()
