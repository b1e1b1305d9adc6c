"""Throughput of a data pipeline in one process (one dataloader worker)."""
import time
from typing import List

import cv2
import numpy as np


def samples_per_second(dataset, samples: int, runs: int, shuffle: bool = True) -> List[float]:
    """``runs`` measurements of samples/s, each over ``samples`` items (decode, augmentation,
    affine, targets, packing), cycling through the dataset.

    ``shuffle`` visits the samples in a random order, as a training sampler does; without it
    they come in dataset order, as in evaluation. The order matters: a pipeline that reuses
    the image of the previous sample (a person on the same picture) would look faster in
    dataset order than it is in training. OpenCV runs single-threaded, as in a dataloader
    worker (mmengine sets ``opencv_num_threads=0`` there).
    """
    cv2.setNumThreads(0)
    dataset[0]  # warm-up: lazy init, first file reads
    order = np.arange(samples) % len(dataset)
    rates = []
    for run in range(runs):
        indices = np.random.default_rng(run).permutation(order) if shuffle else order
        start = time.perf_counter()
        for i in indices:
            dataset[int(i)]
        rates.append(samples / (time.perf_counter() - start))
    return rates
