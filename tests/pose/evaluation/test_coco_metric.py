"""CocoMetric on the bundled COCO val2017 sample (4 images, 14 person annotations)."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from pose.evaluation import CocoMetric
from pose.evaluation.functional import COCO_SIGMAS
from pose.registry import METRICS

ANN_FILE = Path(__file__).parents[3] / 'data' / 'samples' / 'coco' / 'test_coco.json'
STAT_NAMES = ['AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5', 'AR .75', 'AR (M)',
              'AR (L)']
META = dict(dataset_name='coco', num_keypoints=17, sigmas=COCO_SIGMAS)


def _gt_samples() -> list:
    """One data sample per annotation with keypoints, predicting exactly the ground truth.

    The two annotations without labelled keypoints are left out, as COCOeval ignores them
    and a top-down val set does not crop them.
    """
    coco = json.loads(ANN_FILE.read_text())
    sizes = {img['id']: (img['height'], img['width']) for img in coco['images']}
    samples = []
    for ann in coco['annotations']:
        if ann['num_keypoints'] == 0:
            continue
        kpts = np.array(ann['keypoints'], dtype=np.float64).reshape(1, 17, 3)
        x, y, w, h = ann['bbox']
        samples.append(
            dict(id=ann['id'], img_id=ann['image_id'], category_id=ann['category_id'],
                 img_path=f"{ann['image_id']:012d}.jpg", ori_shape=sizes[ann['image_id']],
                 raw_ann_info=copy.deepcopy(ann),
                 pred_instances=dict(keypoints=kpts[..., :2].copy(),
                                     keypoint_scores=np.ones((1, 17)),
                                     bboxes=np.array([[x, y, x + w, y + h]]),
                                     bbox_scores=np.ones(1)),
                 gt_instances=dict(keypoints=kpts[..., :2].copy(),
                                   keypoints_visible=(kpts[..., 2] > 0).astype(np.float32),
                                   bboxes=np.array([[x, y, x + w, y + h]]),
                                   bbox_scores=np.ones(1), areas=np.array([ann['area']]))))
    return samples


def _evaluate(metric: CocoMetric, samples: list) -> dict:
    metric.dataset_meta = META
    metric.process([{}] * len(samples), samples)
    return metric.evaluate(len(samples))


@pytest.fixture(scope='module')
def samples() -> list:
    return _gt_samples()


def test_ground_truth_as_prediction_scores_one_with_ann_file(samples):
    results = _evaluate(CocoMetric(ann_file=str(ANN_FILE)), samples)
    assert list(results) == [f'coco/{name}' for name in STAT_NAMES]
    assert results['coco/AP'] == pytest.approx(1.0)
    assert results['coco/AR'] == pytest.approx(1.0)


def test_ground_truth_as_prediction_scores_one_without_ann_file(samples):
    results = _evaluate(CocoMetric(ann_file=None), samples)
    assert results['coco/AP'] == pytest.approx(1.0)
    assert results['coco/AP .5'] == pytest.approx(1.0)


def test_perturbed_prediction_lowers_ap(samples):
    rng = np.random.default_rng(0)
    perturbed = copy.deepcopy(samples)
    for sample in perturbed:
        sample['pred_instances']['keypoints'] += rng.normal(0, 15, size=(1, 17, 2))
    results = _evaluate(CocoMetric(ann_file=str(ANN_FILE)), perturbed)
    assert 0.0 < results['coco/AP'] < 1.0


def _with_duplicate(samples: list) -> list:
    """A second, slightly shifted box on the first person, scored above everyone else.

    The other persons score 0.5 so that a false positive at 0.9 lowers the precision.
    """
    out = copy.deepcopy(samples)
    for sample in out:
        sample['pred_instances']['bbox_scores'] = np.array([0.5])
    out[0]['pred_instances']['bbox_scores'] = np.array([1.0])
    dup = copy.deepcopy(out[0])
    dup['id'] = 1  # another instance id, same image
    dup['pred_instances']['keypoints'] += 1.0
    dup['pred_instances']['bbox_scores'] = np.array([0.9])
    return out + [dup]


def test_oks_nms_removes_a_duplicate_prediction(samples):
    dup = _with_duplicate(samples)
    no_nms = _evaluate(CocoMetric(ann_file=str(ANN_FILE), nms_mode='none'), dup)
    with_nms = _evaluate(CocoMetric(ann_file=str(ANN_FILE)), copy.deepcopy(dup))
    # soft NMS, as in mmpose, only selects (at most 20 per image): the kept duplicate is
    # written with its own score, so it still costs precision
    soft_nms = _evaluate(CocoMetric(ann_file=str(ANN_FILE), nms_mode='soft_oks_nms'),
                         copy.deepcopy(dup))
    assert no_nms['coco/AP'] < 1.0
    assert with_nms['coco/AP'] == pytest.approx(1.0)
    assert soft_nms['coco/AP'] == pytest.approx(no_nms['coco/AP'])


def test_repeated_sample_ids_are_counted_once(samples):
    # distributed samplers pad the last batch with samples already seen
    results = _evaluate(CocoMetric(ann_file=str(ANN_FILE), nms_mode='none'),
                        samples + copy.deepcopy(samples[:3]))
    assert results['coco/AP'] == pytest.approx(1.0)


def test_rescoring_uses_bbox_score_times_confident_keypoint_mean(samples, tmp_path):
    sample = copy.deepcopy(samples[0])
    sample['pred_instances']['bbox_scores'] = np.array([0.5])
    scores = np.full((1, 17), 0.8)
    scores[0, :5] = 0.1  # below keypoint_score_thr, left out of the mean
    sample['pred_instances']['keypoint_scores'] = scores
    metric = CocoMetric(ann_file=str(ANN_FILE), outfile_prefix=str(tmp_path / 'res'),
                        format_only=True)
    assert _evaluate(metric, [sample]) == {}
    written = json.loads((tmp_path / 'res.keypoints.json').read_text())
    assert len(written) == 1
    assert written[0]['score'] == pytest.approx(0.5 * 0.8)
    assert written[0]['image_id'] == sample['img_id']
    assert written[0]['keypoints'][2] == pytest.approx(0.1)


def test_missing_ann_file_names_the_path(tmp_path):
    missing = tmp_path / 'no_such_annotations.json'
    with pytest.raises(FileNotFoundError, match='no_such_annotations.json'):
        CocoMetric(ann_file=str(missing))


def test_invalid_arguments_are_rejected():
    with pytest.raises(ValueError, match='nms_mode'):
        CocoMetric(nms_mode='nms')
    with pytest.raises(ValueError, match='outfile_prefix'):
        CocoMetric(format_only=True)


def test_built_from_the_pose_registry():
    metric = METRICS.build(dict(type='CocoMetric', ann_file=str(ANN_FILE)))
    assert isinstance(metric, CocoMetric) and metric.prefix == 'coco'
