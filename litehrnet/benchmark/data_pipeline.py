"""Throughput of a config's training data pipeline in one process (one dataloader worker)."""
import copy
import os.path as osp
import time
from typing import List

import cv2
from mmengine.config import Config
from mmengine.registry import DATASETS, init_default_scope

# The COCO sample bundled with the repository, used when the config's data is not present.
COCO_SAMPLE = dict(data_root='data/samples/coco/', ann_file='test_coco.json',
                   data_prefix=dict(img=''))


def training_dataset(cfg: Config):
    """The config's training dataset; a pose config whose data is missing reads the bundled
    COCO sample instead (same pipeline, augmentation included)."""
    init_default_scope(cfg.get('default_scope', None))
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    root = dataset_cfg.get('data_root', '')
    if cfg.get('default_scope') == 'pose' and not osp.isdir(root):
        dataset_cfg.update(COCO_SAMPLE)
    return DATASETS.build(dataset_cfg)


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
