"""The published COCO recipe's box-centre shift: 30% of the training boxes moved by up to
+/-20% of their size, drawn once when the dataset is built (mmpose 0.x
``TopDownCocoDataset._xywh2cs``)."""
import json
import math

import numpy as np
import pytest

from pose.datasets import CocoDataset
from pose.datasets.coco_style_dataset import random_center_shifts

NUM_DRAWS = 100_000


def test_shift_probability_and_uniform_range():
    np.random.seed(0)
    offsets = random_center_shifts(NUM_DRAWS, prob=0.3, max_shift=0.2)
    moved = np.any(offsets != 0, axis=1)
    assert moved.mean() == pytest.approx(0.3, abs=0.005)
    # 0.4 * (U(0, 1) - 0.5) per axis: uniform on [-0.2, 0.2], std 0.4 / sqrt(12) = 0.1155
    shifts = offsets[moved]
    assert np.abs(shifts).max() <= 0.2 and np.abs(shifts).max() > 0.1995
    np.testing.assert_allclose(shifts.mean(axis=0), 0, atol=0.002)
    np.testing.assert_allclose(shifts.std(axis=0), 0.4 / math.sqrt(12), atol=0.0015)
    # a quarter of the moved boxes within 0.05 of the box size per axis, as uniform
    assert np.mean(np.abs(shifts[:, 0]) < 0.05) == pytest.approx(0.25, abs=0.01)


def test_draws_as_the_original_does():
    np.random.seed(4)
    ours = random_center_shifts(1000, prob=0.3, max_shift=0.2)
    np.random.seed(4)
    for offset in ours:
        # TopDownCocoDataset._xywh2cs (not test_mode), in box sizes
        expected = np.zeros(2)
        if np.random.rand() < 0.3:
            expected = 0.4 * (np.random.rand(2) - 0.5)
        np.testing.assert_array_equal(offset, expected)


def make_dataset(coco_dir, **kwargs):
    return CocoDataset(ann_file=str(coco_dir / 'test_coco.json'),
                       data_prefix=dict(img=str(coco_dir) + '/'), **kwargs)


def test_dataset_moves_training_boxes_once(coco_dir):
    plain = make_dataset(coco_dir)
    np.random.seed(0)
    shifted = make_dataset(coco_dir, center_shift_prob=1.0, center_shift_max=0.2)
    boxes = np.concatenate([plain.get_data_info(i)['bbox'] for i in range(len(plain))])
    moved = np.concatenate([shifted.get_data_info(i)['bbox'] for i in range(len(shifted))])
    size = boxes[:, 2:] - boxes[:, :2]
    # same size, centre moved by at most 0.2 of the width / height, every box moved
    np.testing.assert_allclose(moved[:, 2:] - moved[:, :2], size, rtol=1e-5)
    offset = (moved[:, :2] - boxes[:, :2]) / size
    assert np.all(np.abs(offset) <= 0.2 + 1e-5) and np.all(np.abs(offset).max(axis=1) > 0)
    # fixed for the whole training: every epoch reads the same data info
    np.testing.assert_array_equal(shifted.get_data_info(0)['bbox'], moved[:1])
    # the annotation is kept
    assert shifted.get_data_info(0)['raw_ann_info']['bbox'] == plain.get_data_info(0)[
        'raw_ann_info']['bbox']
    # a seeded build draws the same shifts
    np.random.seed(0)
    again = make_dataset(coco_dir, center_shift_prob=1.0, center_shift_max=0.2)
    np.testing.assert_array_equal(again.get_data_info(3)['bbox'], moved[3:4])


def test_no_shift_in_test_mode_or_on_detections(coco_dir):
    plain = make_dataset(coco_dir, test_mode=True)
    shifted = make_dataset(coco_dir, test_mode=True, center_shift_prob=1.0)
    for i in range(len(plain)):
        np.testing.assert_array_equal(shifted.get_data_info(i)['bbox'],
                                      plain.get_data_info(i)['bbox'])
    dets = make_dataset(coco_dir, test_mode=True, center_shift_prob=1.0,
                        bbox_file=str(coco_dir / 'test_coco_det_AP_H_56.json'))
    raw = json.loads((coco_dir / 'test_coco_det_AP_H_56.json').read_text())
    x, y, w, h = raw[0]['bbox']
    np.testing.assert_allclose(dets.get_data_info(0)['bbox'], [[x, y, x + w, y + h]],
                               rtol=1e-6)


def test_invalid_shift_arguments(coco_dir):
    with pytest.raises(ValueError, match='center_shift_prob'):
        make_dataset(coco_dir, center_shift_prob=1.5)
