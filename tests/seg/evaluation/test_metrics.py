"""mmseg's IoUMetric and the official Cityscapes scripts score ground truth as prediction 100%.

The bundled Cityscapes frame's ``labelTrainIds`` and ``labelIds`` pictures were downscaled
separately and disagree on 77 of its 32768 pixels; the official scripts compare with
``labelIds``, so their perfect prediction is the train ids converted from ``labelIds``.
"""
from pathlib import Path

import numpy as np
import pytest
import torch
from cityscapesscripts.helpers.labels import labels as CITYSCAPES_LABELS
from mmengine.config import Config
from mmengine.structures import PixelData
from PIL import Image

from mmseg.registry import DATASETS, METRICS

ROOT = Path(__file__).resolve().parents[3]


def train_ids_of_label_ids(train_ids_path: str) -> torch.Tensor:
    """(1, H, W) train ids converted from the ``*_gtFine_labelIds.png`` beside a train-id map."""
    lut = np.full(256, 255, np.uint8)
    for label in CITYSCAPES_LABELS:
        if label.id >= 0 and 0 <= label.trainId < 255:
            lut[label.id] = label.trainId
    label_ids = np.array(Image.open(train_ids_path.replace('labelTrainIds', 'labelIds')))
    return torch.from_numpy(lut[label_ids])[None].long()


def perfect_predictions(dataset_base: str, data_root: Path, prefix: dict,
                        official: bool = False) -> tuple:
    """The val samples of a real dataset config on ``data_root``, each predicting its own ground
    truth (the ``labelIds`` one with ``official``), and the dataset's meta information."""
    cfg = Config.fromfile(str(ROOT / f'configs/seg/_base_/datasets/{dataset_base}.py'))
    cfg.val_dataloader.dataset.dataset.update(data_root=str(data_root), data_prefix=prefix)
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    samples = []
    for i in range(len(dataset)):
        sample = dataset[i]['data_samples']
        prediction = (train_ids_of_label_ids(sample.seg_map_path) if official else
                      sample.gt_sem_seg.data.clone())
        sample.pred_sem_seg = PixelData(data=prediction)
        samples.append(sample.to_dict())
    return samples, dataset.metainfo


def evaluate(metric_cfg: dict, samples: list, metainfo: dict) -> dict:
    metric = METRICS.build(metric_cfg)
    metric.dataset_meta = metainfo
    metric.process({}, samples)
    return metric.evaluate(len(samples))


CITYSCAPES_VAL = dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')


def test_iou_metric_cityscapes_sample(cityscapes_root):
    samples, meta = perfect_predictions('cityscapes', cityscapes_root, CITYSCAPES_VAL)
    assert evaluate(dict(type='IoUMetric', iou_metrics=['mIoU']), samples, meta)['mIoU'] == 100


def test_iou_metric_ade20k_samples(ade_root):
    samples, meta = perfect_predictions(
        'ade20k', ade_root, dict(img_path='images/validation',
                                 seg_map_path='annotations/validation'))
    assert len(samples) == 3
    # Scored at the original sizes (the test pipeline loads labels after the resize).
    assert [s['gt_sem_seg']['data'].shape[1:] for s in samples] == [(512, 683), (364, 500),
                                                                    (300, 400)]
    assert evaluate(dict(type='IoUMetric', iou_metrics=['mIoU']), samples, meta)['mIoU'] == 100


def test_official_metric_reports_class_and_category_scores(cityscapes_root, tmp_path):
    samples, meta = perfect_predictions('cityscapes', cityscapes_root, CITYSCAPES_VAL,
                                        official=True)
    scores = evaluate(dict(type='CityscapesOfficialMetric', output_dir=str(tmp_path / 'out')),
                      samples, meta)
    assert scores['averageScoreClasses'] == scores['averageScoreCategories'] == 1.0
    # The frame's 10 evaluated classes (trainIds {0,1,2,4,5,7,8,10,11,13}).
    assert len([k for k in scores if k.startswith('IoU.')]) == 10
    assert scores['IoU.road'] == scores['IoU.car'] == 1.0


def test_mmseg_cityscapes_metric_runs_on_the_sample(cityscapes_root, tmp_path):
    # mmseg's own metric (category scores only) works too, e.g. through
    # --cfg-options test_evaluator.type=CityscapesMetric test_evaluator.output_dir=...
    cfg = Config.fromfile(str(ROOT / 'configs/seg/fcn_litehrnet-18_cityscapes-512x1024.py'))
    cfg.merge_from_dict({'test_evaluator.type': 'CityscapesMetric',
                         'test_evaluator.output_dir': str(tmp_path / 'out')})
    samples, meta = perfect_predictions('cityscapes', cityscapes_root, CITYSCAPES_VAL,
                                        official=True)
    scores = evaluate(cfg.test_evaluator.to_dict(), samples, meta)
    assert scores == dict(averageScoreCategories=1.0, averageScoreInstCategories=1.0)


def test_format_only_writes_the_submission_format(cityscapes_root, tmp_path):
    samples, meta = perfect_predictions('cityscapes', cityscapes_root, CITYSCAPES_VAL)
    out = tmp_path / 'submission'
    assert evaluate(dict(type='CityscapesOfficialMetric', output_dir=str(out), format_only=True,
                         keep_results=True), samples, meta) == {}
    [png] = out.iterdir()
    assert png.name == 'frankfurt_000000_000294_leftImg8bit.png'
    # Label ids, not train ids: road (train id 0) is id 7 and car (13) is id 26.
    written = np.array(Image.open(png))
    train_ids = samples[0]['gt_sem_seg']['data'][0].numpy()
    assert set(np.unique(written[train_ids == 0])) == {7}
    assert set(np.unique(written[train_ids == 13])) == {26}


@pytest.mark.parametrize('metric', ['CityscapesOfficialMetric', 'CityscapesMetric'])
def test_needs_the_label_id_ground_truth(metric, tmp_path, cityscapes_root, writable_copy):
    root = writable_copy(cityscapes_root, tmp_path / 'cs')
    next(root.rglob('*_labelIds.png')).unlink()
    samples, meta = perfect_predictions('cityscapes', root, CITYSCAPES_VAL)
    with pytest.raises(SystemExit):  # cityscapesscripts prints "Unable to load ..." and exits
        evaluate(dict(type=metric, output_dir=str(tmp_path / 'out')), samples, meta)
