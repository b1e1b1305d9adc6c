"""Throughput of a training data pipeline in one process (one dataloader worker)."""
import time
from typing import List

import cv2


def samples_per_second(dataset, samples: int, runs: int) -> List[float]:
    """``runs`` measurements of samples/s, each over ``samples`` items (decode, augmentation,
    affine, targets, packing), cycling through the dataset. OpenCV runs single-threaded, as in
    a dataloader worker (mmengine sets ``opencv_num_threads=0`` there)."""
    cv2.setNumThreads(0)
    dataset[0]  # warm-up: lazy init, first file reads
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for i in range(samples):
            dataset[i % len(dataset)]
        rates.append(samples / (time.perf_counter() - start))
    return rates
