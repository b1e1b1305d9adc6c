"""Ground truth -> training transforms -> heatmap targets -> the model's decoding path -> COCO AP.

No network is involved: the encoded targets stand in for predicted heatmaps, so any error in the
crop geometry, the codec or the mapping back to the image shows up as lost AP.
"""
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate

from pose.registry import DATASETS, METRICS, MODELS

BACKBONES = Path(__file__).resolve().parents[2] / 'configs/_base_/backbones/litehrnet.py'
CODEC = dict(type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
PIPELINE = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=CODEC['input_size']),
    dict(type='GenerateTarget', encoder=CODEC),
    dict(type='PackPoseInputs'),
]


def test_encode_decode_round_trip_keeps_coco_ap(coco_dir):
    ann_file = str(coco_dir / 'test_coco.json')
    dataset = DATASETS.build(dict(type='CocoDataset', data_root=str(coco_dir),
                                  ann_file='test_coco.json', data_prefix=dict(img=''),
                                  pipeline=PIPELINE))
    batch = pseudo_collate([dataset[i] for i in range(len(dataset))])
    samples = batch['data_samples']
    heatmaps = torch.stack([s.gt_fields.heatmaps for s in samples])

    estimator = MODELS.build(dict(
        type='TopdownPoseEstimator',
        backbone=Config.fromfile(str(BACKBONES)).litehrnet_18,
        head=dict(type='HeatmapHead', in_channels=40, out_channels=17, decoder=CODEC)))
    predictions = estimator._add_predictions(estimator.head.decode(heatmaps), samples)

    metric = METRICS.build(dict(type='CocoMetric', ann_file=ann_file))
    metric.dataset_meta = dataset.metainfo
    metric.process({}, [s.to_dict() for s in predictions])
    ap = metric.compute_metrics(metric.results)['AP']
    assert ap >= 0.95
    # and the decoded keypoints are near the labelled ones in image pixels
    errors = []
    for s in predictions:
        visible = s.gt_instances.keypoints_visible[0] > 0
        delta = s.pred_instances.keypoints[0] - s.gt_instances.keypoints[0]
        errors.append(np.linalg.norm(delta[visible], axis=-1))
    assert np.mean(np.concatenate(errors)) < 3.0
