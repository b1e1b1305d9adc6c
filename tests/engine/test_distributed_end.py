"""end_distributed ends a gloo run in two processes without queueing a collective on gloo's
worker threads (a ``dist.barrier`` there can abort a finished process at exit: see its
docstring), and leaves no process group behind."""
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from engine import end_distributed

pytestmark = pytest.mark.distributed


def _refuse_worker_thread_barrier(*args, **kwargs):
    raise AssertionError('dist.barrier() on gloo: a collective of the worker threads')


def _rank(rank: int, store: str, outcome) -> None:
    dist.init_process_group('gloo', init_method=f'file://{store}', rank=rank, world_size=2)
    # DDP keeps the group (and its threads) alive past destroy_process_group, as in a run
    model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(4, 2))
    model(torch.randn(3, 4)).sum().backward()
    dist.barrier = _refuse_worker_thread_barrier
    end_distributed()
    outcome[rank] = not dist.is_initialized()


def test_two_gloo_ranks_end_without_a_worker_thread_barrier(tmp_path):
    outcome = mp.Manager().dict()
    # fork: the test module is not importable by name in a spawned interpreter
    mp.start_processes(_rank, args=(str(tmp_path / 'rendezvous'), outcome), nprocs=2,
                       join=True, start_method='fork')
    assert dict(outcome) == {0: True, 1: True}


def test_without_a_process_group_it_does_nothing():
    assert not dist.is_initialized()
    end_distributed()
    assert not dist.is_initialized()
