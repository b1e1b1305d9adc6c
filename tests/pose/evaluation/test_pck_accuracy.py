"""PCKAccuracy (bbox, head and torso normalisers) on hand-made samples."""
import numpy as np
import pytest

from pose.evaluation import PCKAccuracy
from pose.registry import METRICS


def _sample(shift: np.ndarray, visible: np.ndarray, bbox=(0, 0, 100, 50), head=20.0) -> dict:
    """A 6-keypoint instance; the prediction is the ground truth moved by ``shift`` (6, 2)."""
    gt = np.array([[10, 10], [20, 10], [30, 10], [40, 10], [50, 10], [50, 40]], dtype=float)
    return dict(pred_instances=dict(keypoints=(gt + shift)[None]),
                gt_instances=dict(keypoints=gt[None], keypoints_visible=visible[None],
                                  bboxes=np.array([bbox], dtype=float),
                                  head_size=np.array([head])))


def _evaluate(metric: PCKAccuracy, samples: list) -> dict:
    metric.process([{}] * len(samples), samples)
    return metric.evaluate(len(samples))


def test_perfect_prediction_is_one_for_every_normaliser():
    sample = _sample(np.zeros((6, 2)), np.ones(6))
    results = _evaluate(PCKAccuracy(thr=0.05, norm_item=['bbox', 'head', 'torso']), [sample])
    assert results == {'PCK': 1.0, 'PCKh': 1.0, 'tPCK': 1.0}


def test_bbox_normaliser_is_the_longer_box_side():
    shift = np.zeros((6, 2))
    shift[0] = [4.0, 0]  # 0.04 of the 100-pixel side: correct at 0.05
    shift[1] = [6.0, 0]  # 0.06: wrong
    results = _evaluate(PCKAccuracy(thr=0.05), [_sample(shift, np.ones(6))])
    assert results['PCK'] == pytest.approx(5 / 6)


def test_invisible_keypoints_are_ignored():
    shift = np.zeros((6, 2))
    shift[1] = [60.0, 0]
    visible = np.ones(6)
    visible[1] = 0
    results = _evaluate(PCKAccuracy(thr=0.05), [_sample(shift, visible)])
    assert results['PCK'] == pytest.approx(1.0)


def test_head_and_torso_normalisers():
    shift = np.zeros((6, 2))
    shift[0] = [15.0, 0]  # 0.75 head sizes (20 px); 0.5 torso lengths (|kpt4 - kpt5| = 30 px)
    sample = _sample(shift, np.ones(6))
    head = _evaluate(PCKAccuracy(thr=0.5, norm_item='head'), [sample])
    torso = _evaluate(PCKAccuracy(thr=0.51, norm_item='torso'), [sample])
    assert head == {'PCKh': pytest.approx(5 / 6)}
    assert torso == {'tPCK': pytest.approx(1.0)}


def test_unknown_normaliser_is_rejected():
    with pytest.raises(KeyError, match='norm_item'):
        PCKAccuracy(norm_item='face')
    assert isinstance(METRICS.build(dict(type='PCKAccuracy', thr=0.2)), PCKAccuracy)
