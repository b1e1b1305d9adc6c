"""Wall-clock timing of alternating candidates, with warm-up and robust statistics."""
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Dict, List

import torch


@dataclass
class Timings:
    """Seconds per call of one candidate."""
    seconds: List[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.seconds)
        position = q * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    def summary(self, items: int, unit: str) -> str:
        """e.g. ``28.1 img/s | 35.6 ms/batch (IQR 35.1-36.4, min 34.9, max 40.2, 20 runs)``."""
        ms = [1e3 * q for q in (self.quantile(0.25), self.quantile(0.75))]
        return (f'{items / self.median:8.1f} {unit}/s | {1e3 * self.median:8.2f} ms/batch '
                f'(IQR {ms[0]:.2f}-{ms[1]:.2f}, min {1e3 * min(self.seconds):.2f}, '
                f'max {1e3 * max(self.seconds):.2f}, {len(self.seconds)} runs)')


def synchronize(device: str) -> None:
    """Wait for queued GPU work, so that a timer brackets the computation itself."""
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def _time_once(fn: Callable[[], object], device: str) -> float:
    synchronize(device)
    start = time.perf_counter()
    fn()
    synchronize(device)
    return time.perf_counter() - start


def time_alternating(candidates: Dict[str, Callable[[], object]],
                     device: str = 'cpu',
                     warmup: int = 3,
                     runs: int = 0,
                     budget_s: float = 20.0,
                     settle: int = 1) -> Dict[str, Timings]:
    """Time every candidate ``runs`` times, in turns, after ``warmup`` calls each.

    Alternating spreads any drift of the machine (other processes, clock changes) evenly over
    the candidates, which is what makes the ratios between them fair. Each turn makes
    ``settle`` untimed calls of the candidate before its timed one: the previous candidate's
    thread pool (PyTorch's OpenMP, OpenVINO's TBB, onnxruntime's) keeps spinning on the same
    cores for a while after its call, and the first call after a switch pays for it
    (docs/benchmarks.md). ``settle=0`` times that first call. ``runs=0`` picks as many runs as
    fit in ``budget_s`` seconds of timed calls (at least 5, at most 200), from the slowest
    warm-up call.
    """
    slowest = 0.0
    for fn in candidates.values():
        for _ in range(warmup):
            slowest = max(slowest, _time_once(fn, device))
    if runs <= 0:
        per_round = max(slowest, 1e-6) * len(candidates)
        runs = int(min(200, max(5, budget_s / per_round)))
    results: Dict[str, List[float]] = {name: [] for name in candidates}
    for _ in range(runs):
        for name, fn in candidates.items():
            for _ in range(settle):
                fn()
            results[name].append(_time_once(fn, device))
    return {name: Timings(seconds) for name, seconds in results.items()}


def ratio_line(name: str, timings: Timings, reference: Timings) -> str:
    """Throughput ratio of medians, e.g. ``deploy / reference eager: 3.02x``."""
    return f'{name} / reference eager: {reference.median / timings.median:.2f}x'
