"""Task-independent benchmark building blocks behind ``tools/analysis/benchmark.py``: the
inference backends, alternating timing, training steps against the original implementation and
data pipeline throughput."""
from .backends import (BACKENDS, Candidate, candidate, chained, max_abs_difference,
                       reference_candidate)
from .data_pipeline import samples_per_second
from .timing import Timings, ratio_line, synchronize, time_alternating
from .training import gradient_difference, train_step, training_pair

__all__ = [
    'BACKENDS', 'Candidate', 'candidate', 'chained', 'max_abs_difference', 'reference_candidate',
    'samples_per_second',
    'Timings', 'ratio_line', 'synchronize', 'time_alternating', 'gradient_difference',
    'train_step', 'training_pair'
]
