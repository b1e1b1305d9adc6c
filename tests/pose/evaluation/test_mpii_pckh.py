"""MpiiPCKAccuracy on the 5 bundled MPII val persons, head sizes from mpii_gt_val.mat."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from pose.evaluation import MpiiPCKAccuracy
from pose.evaluation.functional import mpii_head_sizes
from pose.registry import METRICS

MPII = Path(__file__).parents[3] / 'data' / 'samples' / 'mpii'
PART_KEYS = ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle']


def _load_mat() -> dict:
    scipy_io = pytest.importorskip('scipy.io')
    return scipy_io.loadmat(str(MPII / 'mpii_gt_val.mat'))


@pytest.fixture(scope='module')
def mat() -> dict:
    return _load_mat()


@pytest.fixture(scope='module')
def samples(mat) -> list:
    """Data samples of the 5 json persons (persons 0-4 of the mat), predicting the GT."""
    persons = json.loads((MPII / 'test_mpii.json').read_text())
    head_sizes = mpii_head_sizes(mat['headboxes_src'])[:len(persons)]
    out = []
    for idx, (person, head_size) in enumerate(zip(persons, head_sizes)):
        joints = np.array(person['joints'], dtype=np.float64)[None]
        out.append(
            dict(id=idx, img_id=int(person['image'].split('.')[0]), img_path=person['image'],
                 pred_instances=dict(keypoints=joints.copy(), keypoint_scores=np.ones((1, 16))),
                 gt_instances=dict(keypoints=joints.copy(),
                                   keypoints_visible=np.array(person['joints_vis'])[None],
                                   head_size=np.array([head_size]))))
    return out


def _evaluate(samples: list, thr: float = 0.5) -> dict:
    metric = MpiiPCKAccuracy(thr=thr)
    metric.process([{}] * len(samples), samples)
    return metric.evaluate(len(samples))


def test_json_persons_are_the_first_mat_persons(samples, mat):
    # the premise of taking head sizes from the mat: same joints, same visibility
    # (missing joints are -1 in the json and 0 in the mat, so only visible ones are compared)
    for idx, sample in enumerate(samples):
        visible = sample['gt_instances']['keypoints_visible'][0]
        np.testing.assert_array_equal(visible, 1 - mat['jnt_missing'][:, idx])
        np.testing.assert_allclose(sample['gt_instances']['keypoints'][0][visible > 0],
                                   mat['pos_gt_src'][:, :, idx][visible > 0], atol=1e-3)


def test_ground_truth_as_prediction_scores_100(samples):
    results = _evaluate(samples)
    assert set(results) == set(PART_KEYS + ['PCKh', 'PCKh@0.1', 'PCKh@0.11', 'PCK'])
    for key, value in results.items():
        assert value == pytest.approx(100.0), key


def _shift_head_top(samples: list, pixels_from_threshold: float) -> list:
    """Move person 0's head top (joint 9) right to ``0.5 * head_size + pixels_from_threshold``.

    Half a pixel inside the threshold is still correct only if no offset (such as a +1 on
    the predictions) is added by the metric.
    """
    out = copy.deepcopy(samples)
    head_size = out[0]['gt_instances']['head_size'][0]
    out[0]['pred_instances']['keypoints'][0, 9, 0] += 0.5 * head_size + pixels_from_threshold
    return out


def _num_counted_joints(samples: list) -> int:
    """Visible joints that enter the mean PCKh (pelvis and thorax excluded): 66 here."""
    counted = [j for j in range(16) if j not in (6, 7)]
    return int(sum(s['gt_instances']['keypoints_visible'][0][counted].sum() for s in samples))


def test_shift_beyond_half_head_size_drops_the_joint(samples):
    results = _evaluate(_shift_head_top(samples, 0.5))
    num = _num_counted_joints(samples)
    assert num == 66
    assert results['Head'] == pytest.approx(80.0)  # 4 of 5 head tops
    assert results['Shoulder'] == pytest.approx(100.0)
    assert results['PCKh'] == pytest.approx(100.0 * (num - 1) / num)
    assert results['PCK'] == results['PCKh']


def test_shift_within_half_head_size_is_still_correct(samples):
    results = _evaluate(_shift_head_top(samples, -0.5))
    assert results['Head'] == pytest.approx(100.0)
    assert results['PCKh'] == pytest.approx(100.0)
    # beyond 0.1 head sizes, so PCKh@0.1 loses exactly this joint
    assert results['PCKh@0.1'] == pytest.approx(100.0 - 100.0 / _num_counted_joints(samples))


def _official_mpii_pckh(pred: np.ndarray, mat: dict, num: int) -> float:
    """The mean PCKh of the MATLAB/HRNet evaluation script, on the first ``num`` mat persons.

    Args:
        pred: (num, 16, 2) predictions in the mat's coordinate frame.
    """
    visible = 1 - mat['jnt_missing'][:, :num]
    err = np.linalg.norm(np.transpose(pred, [1, 2, 0]) - mat['pos_gt_src'][:, :, :num], axis=1)
    scaled = err / mpii_head_sizes(mat['headboxes_src'][:, :, :num])
    pckh = 100.0 * np.sum((scaled <= 0.5) * visible, axis=1) / np.sum(visible, axis=1)
    count = np.sum(visible, axis=1).astype(np.float64)
    count[6:8] = 0
    return float(np.sum(pckh * count / count.sum()))


def _with_noise(samples, seed: int, sigma: float):
    """Copies of ``samples`` with Gaussian noise on the predicted keypoints, and the (N, 16, 2)
    predictions."""
    rng = np.random.default_rng(seed)
    noisy = copy.deepcopy(samples)
    for sample in noisy:
        sample['pred_instances']['keypoints'] += rng.normal(0, sigma, size=(1, 16, 2))
    return noisy, np.concatenate([s['pred_instances']['keypoints'] for s in noisy])


def test_matches_the_official_mpii_script_on_noisy_predictions(samples, mat):
    noisy, pred = _with_noise(samples, seed=0, sigma=25)
    expected = _official_mpii_pckh(pred, mat, len(noisy))
    got = _evaluate(noisy)['PCKh']
    assert 0 < got < 100
    assert got == pytest.approx(expected)


def test_only_head_normalisation_is_accepted():
    with pytest.raises(ValueError, match='head'):
        MpiiPCKAccuracy(norm_item='bbox')
    assert isinstance(METRICS.build(dict(type='MpiiPCKAccuracy')), MpiiPCKAccuracy)


# ---- the published protocol: '<=' and the Mean@0.1 of the tables read at threshold 0.11


def _shift_head_top_by(samples: list, head_sizes: float) -> list:
    """Move person 0's head top right by exactly ``head_sizes`` head sizes."""
    out = copy.deepcopy(samples)
    head_size = out[0]['gt_instances']['head_size'][0]
    out[0]['pred_instances']['keypoints'][0, 9, 0] += head_sizes * head_size
    return out


def test_an_error_of_exactly_the_threshold_is_correct(samples):
    # the MATLAB / HRNet / mmpose 0.x comparison is scaled error <= threshold; exact numbers
    # (head size 64, error 32 px) make the tie exact
    tie = copy.deepcopy(samples)
    tie[0]['gt_instances']['head_size'] = np.array([64.0])
    tie[0]['gt_instances']['keypoints'][0, 9] = [100.0, 50.0]
    tie[0]['pred_instances']['keypoints'][0, 9] = [132.0, 50.0]
    results = _evaluate(tie)
    assert results['Head'] == pytest.approx(100.0)
    assert results['PCKh'] == pytest.approx(100.0)


def test_published_mean_at_0_1_is_read_at_0_11(samples):
    num = _num_counted_joints(samples)
    # 0.105 head sizes: wrong at 0.1, right at 0.11 (the published "Mean@0.1")
    results = _evaluate(_shift_head_top_by(samples, 0.105))
    assert results['PCKh@0.1'] == pytest.approx(100.0 * (num - 1) / num)
    assert results['PCKh@0.11'] == pytest.approx(100.0)
    results = _evaluate(_shift_head_top_by(samples, 0.115))
    assert results['PCKh@0.11'] == pytest.approx(100.0 * (num - 1) / num)


def _original_mpii_evaluate(pred: np.ndarray, mat: dict, num: int) -> dict:
    """PCKh and 'PCKh@0.1' of ``TopDownMpiiDataset.evaluate`` (mmpose 0.x), as written there
    (minus the file handling), on the first ``num`` mat persons."""
    jnt_missing = mat['jnt_missing'][:, :num]
    pos_gt_src = mat['pos_gt_src'][:, :, :num]
    headboxes_src = mat['headboxes_src'][:, :, :num]
    pos_pred_src = np.transpose(pred, [1, 2, 0])
    jnt_visible = 1 - jnt_missing
    uv_err = np.linalg.norm(pos_pred_src - pos_gt_src, axis=1)
    headsizes = np.linalg.norm(headboxes_src[1, :, :] - headboxes_src[0, :, :], axis=0) * 0.6
    scale = headsizes * np.ones((len(uv_err), 1), dtype=np.float32)
    scaled_uv_err = uv_err / scale * jnt_visible
    jnt_count = np.sum(jnt_visible, axis=1)
    less_than_threshold = (scaled_uv_err <= 0.5) * jnt_visible
    PCKh = 100. * np.sum(less_than_threshold, axis=1) / jnt_count
    rng = np.arange(0, 0.5 + 0.01, 0.01)
    pckAll = np.zeros((len(rng), 16), dtype=np.float32)
    for r, threshold in enumerate(rng):
        less_than_threshold = (scaled_uv_err <= threshold) * jnt_visible
        pckAll[r, :] = 100. * np.sum(less_than_threshold, axis=1) / jnt_count
    PCKh = np.ma.array(PCKh, mask=False)
    PCKh.mask[6:8] = True
    jnt_count = np.ma.array(jnt_count, mask=False)
    jnt_count.mask[6:8] = True
    jnt_ratio = jnt_count / np.sum(jnt_count).astype(np.float64)
    return {'PCKh': float(np.sum(PCKh * jnt_ratio)),
            'PCKh@0.1': float(np.sum(pckAll[11, :] * jnt_ratio))}


def test_matches_the_original_evaluation_including_its_mean_at_0_1(samples, mat):
    noisy, pred = _with_noise(samples, seed=1, sigma=6)
    expected = _original_mpii_evaluate(pred, mat, len(noisy))
    results = _evaluate(noisy)
    assert 0 < results['PCKh@0.11'] < 100
    assert results['PCKh'] == pytest.approx(expected['PCKh'], abs=1e-4)
    assert results['PCKh@0.11'] == pytest.approx(expected['PCKh@0.1'], abs=1e-4)
