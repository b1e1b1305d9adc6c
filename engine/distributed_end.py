"""The orderly end of a distributed run."""
import torch.distributed as dist


def end_distributed() -> None:
    """Wait for every rank, then destroy the process group, if there is one.

    Why the wait is a monitored barrier on gloo (CPU runs): gloo's worker threads free the
    collectives they ran, and freeing a tensor that Python has seen takes the GIL. A thread
    that asks for the GIL once the interpreter is finalising is ended by Python, which aborts
    the whole process ("terminate called without an active exception", SIGABRT) after a run
    that had finished. ``dist.barrier()`` is itself a collective of those threads, and it keeps
    the collectives still in flight when it is queued until the thread drops it, just after
    it wakes the main thread: the main thread then races to finalisation (seen in a core dump:
    ``~AsyncBarrierWork`` -> ``~AsyncAllreduceWork`` -> ``take_gil`` -> ``pthread_exit``, on
    1 two-process run in 10 on a busy machine). ``monitored_barrier`` sends and receives
    between the ranks outside those threads and releases the GIL while it waits, so they can
    finish what they hold. ``destroy_process_group`` alone does not suffice: a process group
    that DDP has used outlives it (pytorch/pytorch#72366), threads included.
    """
    if not (dist.is_available() and dist.is_initialized()):
        return
    if dist.get_backend() == dist.Backend.GLOO:
        dist.monitored_barrier()
    else:
        dist.barrier()
    dist.destroy_process_group()
