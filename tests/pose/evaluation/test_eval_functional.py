"""Tests of the pure evaluation functions: OKS, OKS-NMS, PCK, PCKh helpers, rescoring."""
from pathlib import Path

import numpy as np
import pytest

from pose.evaluation.functional import (COCO_SIGMAS, gt_to_coco_dict, instance_score,
                                        joint_ratio, keypoint_pck_accuracy, mpii_head_sizes,
                                        mpii_part_scores, oks_iou, oks_nms, soft_oks_nms,
                                        weighted_mean_pckh)

DATA = Path(__file__).parents[3] / 'data' / 'samples'


def _pose(offset: float = 0.0, score: float = 1.0) -> np.ndarray:
    """(17, 3) pose on a 10-pixel grid, shifted by ``offset`` pixels in x and y."""
    xy = np.stack([np.arange(17) * 10.0, np.arange(17) * 5.0], axis=1) + offset
    return np.concatenate([xy, np.full((17, 1), score)], axis=1)


def _instance(offset: float, score: float, area: float = 10000.0) -> dict:
    return dict(keypoints=_pose(offset), score=score, area=area)


def test_oks_iou_identical_is_one_and_decreases_with_distance():
    g = _pose().reshape(-1)
    d = np.stack([_pose(0).reshape(-1), _pose(2).reshape(-1), _pose(20).reshape(-1)])
    ious = oks_iou(g, d, 10000.0, np.full(3, 10000.0), COCO_SIGMAS)
    assert ious[0] == pytest.approx(1.0)
    assert 1.0 > ious[1] > ious[2] > 0.0


def test_oks_iou_matches_coco_formula_for_one_keypoint_set():
    g, d = _pose(), _pose(3)
    area = 5000.0
    variances = (2 * COCO_SIGMAS)**2
    expected = np.mean(np.exp(-(2 * 3.0**2) / variances / area / 2))
    got = oks_iou(g.reshape(-1), d.reshape(1, -1), area, np.array([area]))[0]
    assert got == pytest.approx(expected, rel=1e-6)


def test_oks_iou_vis_thr_ignores_low_score_keypoints():
    g = _pose()
    d = _pose()
    d[0, :2] += 500  # a far-off keypoint ...
    d[0, 2] = 0.1  # ... with a low score
    with_all = oks_iou(g.reshape(-1), d.reshape(1, -1), 1e4, np.array([1e4]))[0]
    filtered = oks_iou(g.reshape(-1), d.reshape(1, -1), 1e4, np.array([1e4]), vis_thr=0.2)[0]
    assert with_all < 0.95
    assert filtered == pytest.approx(1.0)


def test_oks_nms_removes_a_duplicate_and_keeps_distinct_poses():
    kpts_db = [_instance(0, 0.8), _instance(0.5, 0.9), _instance(300, 0.7)]
    keep = oks_nms(kpts_db, 0.9, COCO_SIGMAS)
    # the best-scored of the two near-identical poses, then the distinct one
    assert keep.tolist() == [1, 2]
    assert oks_nms([], 0.9).tolist() == []


def test_soft_oks_nms_keeps_all_but_ranks_the_duplicate_last():
    kpts_db = [_instance(0, 0.9), _instance(0.5, 0.85), _instance(300, 0.5)]
    keep = soft_oks_nms(kpts_db, 0.3, sigmas=COCO_SIGMAS)
    # the duplicate's score decays to 0.85 * exp(-oks^2 / 0.3) < 0.5
    assert keep.tolist() == [0, 2, 1]
    assert len(soft_oks_nms(kpts_db, 0.3, max_dets=2, sigmas=COCO_SIGMAS)) == 2


def test_keypoint_pck_accuracy_counts_visible_keypoints_below_threshold():
    gt = np.zeros((2, 3, 2))
    pred = gt.copy()
    pred[0, 0] = [4, 0]  # 0.4 of the normaliser: correct at 0.5
    pred[0, 1] = [6, 0]  # 0.6: wrong
    pred[1, 2] = [100, 0]  # wrong but invisible: ignored
    mask = np.array([[True, True, True], [True, True, False]])
    norm = np.full((2, 2), 10.0)
    acc, avg, cnt = keypoint_pck_accuracy(pred, gt, mask, 0.5, norm)
    np.testing.assert_allclose(acc, [1.0, 0.5, 1.0])
    assert avg == pytest.approx(2.5 / 3)
    assert cnt == 3
    np.testing.assert_array_equal(norm, 10.0)  # the normaliser is not modified


def test_keypoint_pck_accuracy_skips_zero_normaliser_and_never_visible_joints():
    gt = np.zeros((2, 2, 2))
    pred = gt + 1.0
    mask = np.array([[True, False], [True, False]])
    norm = np.array([[0.0, 0.0], [10.0, 10.0]])
    acc, avg, cnt = keypoint_pck_accuracy(pred, gt, mask, 0.5, norm)
    assert acc.tolist() == [1.0, -1.0]
    assert (avg, cnt) == (1.0, 1)


def test_mpii_head_sizes_from_the_mat_file():
    scipy_io = pytest.importorskip('scipy.io')
    headboxes = scipy_io.loadmat(str(DATA / 'mpii' / 'mpii_gt_val.mat'))['headboxes_src']
    sizes = mpii_head_sizes(headboxes)
    assert sizes.shape == (2958, )
    box = headboxes[:, :, 0]
    assert sizes[0] == pytest.approx(0.6 * np.hypot(*(box[1] - box[0])))


def test_mpii_weighting_drops_pelvis_and_thorax():
    ratio = joint_ratio(np.full(16, 5))
    assert ratio[6] == ratio[7] == 0
    assert ratio.sum() == pytest.approx(1.0)
    pckh = np.full(16, 100.0)
    pckh[6] = pckh[7] = 0.0  # must not pull the mean down
    pckh[9] = np.nan  # head never visible: no weight either
    count = np.full(16, 5)
    count[9] = 0
    assert weighted_mean_pckh(pckh, count) == pytest.approx(100.0)
    parts = mpii_part_scores(np.arange(16, dtype=float))
    assert parts['Head'] == 9 and parts['Shoulder'] == 12.5 and parts['Ankle'] == 2.5


@pytest.mark.parametrize('mode, expected', [('bbox', 0.5), ('bbox_keypoint', 0.5 * 0.7),
                                            ('keypoint', (0.1 + 0.6 + 0.8) / 3),
                                            ('bbox_rle', 0.5 + 0.5 + 0.8)])
def test_instance_score_modes(mode, expected):
    scores = np.array([0.1, 0.6, 0.8])  # 0.1 is below the 0.2 keypoint threshold
    assert instance_score(0.5, scores, mode, 0.2) == pytest.approx(expected)


def test_instance_score_without_confident_keypoints_is_zero():
    assert instance_score(0.9, np.array([0.1, 0.2]), 'bbox_keypoint', 0.2) == 0.0
    with pytest.raises(ValueError, match='score mode'):
        instance_score(0.9, np.ones(2), 'unknown')


def test_gt_to_coco_dict_dedupes_images_and_annotations():
    ann = dict(id=7, image_id=3, category_id=1, bbox=[0, 0, 5, 5], keypoints=[1, 1, 2],
               iscrowd=0, area=25.0, num_keypoints=1)
    gt = dict(img_id=3, width=640, height=480, raw_ann_info=[ann])
    coco = gt_to_coco_dict([gt, gt], keypoint_names=['nose'])
    assert coco['images'] == [dict(id=3, width=640, height=480)]
    assert [a['id'] for a in coco['annotations']] == [7]
    assert coco['categories'][0]['id'] == 1 and coco['categories'][0]['keypoints'] == ['nose']
    with pytest.raises(KeyError, match='area'):
        gt_to_coco_dict([dict(gt, raw_ann_info=[{k: v for k, v in ann.items() if k != 'area'}])])
