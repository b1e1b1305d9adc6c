"""Benchmark building blocks behind ``tools/analysis/benchmark.py``."""
from .backends import BACKENDS, Candidate, candidate, reference_candidate
from .data_pipeline import samples_per_second, training_dataset
from .timing import Timings, ratio_line, synchronize, time_alternating
from .training import gradient_difference, synthetic_batch, train_step, training_pair

__all__ = [
    'BACKENDS', 'Candidate', 'candidate', 'reference_candidate', 'samples_per_second',
    'training_dataset', 'Timings', 'ratio_line', 'synchronize', 'time_alternating',
    'gradient_difference', 'synthetic_batch', 'train_step', 'training_pair'
]
