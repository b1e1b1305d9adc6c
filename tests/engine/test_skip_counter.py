"""SkipCounter adds up the skips of every dataloader worker in the main process."""
import torch
from torch.utils.data import DataLoader, Dataset

from engine import SkipCounter


class SkipsOddSamples(Dataset):
    """Counts a skip for every odd index, as a transform skipping bad samples would."""

    def __init__(self) -> None:
        self.skipped = SkipCounter('odd samples')

    def __len__(self) -> int:
        return 20

    def __getitem__(self, index: int) -> torch.Tensor:
        if index % 2:
            self.skipped.add()
        return torch.tensor(index)


def test_counts_from_worker_processes_reach_the_main_process():
    dataset = SkipsOddSamples()
    list(DataLoader(dataset, batch_size=3, num_workers=2, multiprocessing_context='fork'))
    list(DataLoader(dataset, batch_size=3, num_workers=0))
    assert dataset.skipped.total() == 20  # 10 odd samples, 2 passes


def test_live_counters_are_listed_by_reason():
    first, second = SkipCounter('b reason'), SkipCounter('a reason')
    reasons = [counter.reason for counter in SkipCounter.live()]
    assert reasons.index('a reason') < reasons.index('b reason')
    del first, second
    assert 'a reason' not in [counter.reason for counter in SkipCounter.live()]
