"""RandomHalfBody picks the box of the visible upper or lower body."""
import math

import numpy as np
import pytest
from mmengine.config import Config

from pose.registry import TRANSFORMS
from pose.structures import fix_aspect_ratio

UPPER, LOWER = list(range(11)), list(range(11, 17))


def make_results(visible):
    rng = np.random.default_rng(0)
    keypoints = rng.uniform(0, 100, size=(1, 17, 2)).astype(np.float32)
    return dict(keypoints=keypoints, keypoints_visible=np.asarray(visible, np.float32)[None],
                bbox_center=np.array([[50., 50.]], np.float32),
                bbox_scale=np.array([[120., 160.]], np.float32), upper_body_ids=UPPER,
                lower_body_ids=LOWER)


def test_upper_body_box():
    transform = TRANSFORMS.build(dict(type='RandomHalfBody', prob=1.0,
                                      upper_prioritized_prob=1.0))
    visible = np.ones(17)
    visible[[0, 1]] = 0
    results = transform(make_results(visible))
    selected = make_results(visible)['keypoints'][0, 2:11]
    np.testing.assert_allclose(results['bbox_center'][0], selected.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(results['bbox_scale'][0],
                               (selected.max(axis=0) - selected.min(axis=0)) * 1.5, rtol=1e-5)


def test_lower_body_when_upper_is_missing():
    transform = TRANSFORMS.build(dict(type='RandomHalfBody', prob=1.0, min_total_keypoints=6,
                                      upper_prioritized_prob=1.0))
    visible = np.zeros(17)
    visible[[0] + LOWER] = 1  # one upper keypoint only: below min_upper_keypoints
    results = transform(make_results(visible))
    selected = make_results(visible)['keypoints'][0, LOWER]
    np.testing.assert_allclose(results['bbox_center'][0], selected.mean(axis=0), rtol=1e-5)


def test_too_few_keypoints_keep_the_box():
    transform = TRANSFORMS.build(dict(type='RandomHalfBody', prob=1.0))
    visible = np.zeros(17)
    visible[:8] = 1  # fewer than min_total_keypoints=9
    results = transform(make_results(visible))
    np.testing.assert_array_equal(results['bbox_center'], [[50, 50]])
    np.testing.assert_array_equal(results['bbox_scale'], [[120, 160]])


# ---- 'upper_first': the published recipe's TopDownHalfBodyTransform(num_joints_half_body=8,
# prob_half_body=0.3) of mmpose 0.x, as the published COCO configs use it

COCO_CONFIG = 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py'
NUM_DRAWS = 100_000


def published_half_body_cfg() -> dict:
    cfg = Config.fromfile(COCO_CONFIG)
    [transform] = [t for t in cfg.train_dataloader.dataset.pipeline
                   if t['type'] == 'RandomHalfBody']
    return dict(transform)


def batch(num, num_keypoints, visible_ids, upper_ids, lower_ids):
    """``num`` instances whose upper-body keypoints lie at y in [0, 10], lower at [90, 100]."""
    rng = np.random.default_rng(1)
    keypoints = rng.uniform(0, 10, size=(num, num_keypoints, 2)).astype(np.float32)
    keypoints[:, lower_ids, 1] += 90
    visible = np.zeros((num, num_keypoints), np.float32)
    visible[:, visible_ids] = 1
    return dict(keypoints=keypoints, keypoints_visible=visible,
                bbox_center=np.full((num, 2), 50., np.float32),
                bbox_scale=np.full((num, 2), 500., np.float32), upper_body_ids=upper_ids,
                lower_body_ids=lower_ids)


def halves(results):
    """Per instance: 'upper', 'lower' or None (box kept)."""
    kept = results['bbox_scale'][:, 0] == 500.
    upper = results['bbox_center'][:, 1] < 50
    return np.where(kept, None, np.where(upper, 'upper', 'lower'))


def test_upper_first_probabilities_on_whole_people():
    np.random.seed(0)
    transform = TRANSFORMS.build(published_half_body_cfg())
    chosen = halves(transform(batch(NUM_DRAWS, 17, list(range(17)), UPPER, LOWER)))
    applied = chosen != None  # noqa: E711 (elementwise)
    assert applied.mean() == pytest.approx(0.3, abs=0.005)
    # upper when randn() < 0.5: Phi(0.5) = 0.6915 of the half-body crops
    phi_half = 0.5 * (1 + math.erf(0.5 / math.sqrt(2)))
    assert np.mean(chosen[applied] == 'upper') == pytest.approx(phi_half, abs=0.008)


def test_upper_first_needs_more_than_two_upper_keypoints():
    # 10 upper and 10 lower keypoints; 2 upper and 7 lower visible (9 in all, eligible):
    # the original takes the lower half every time (mmpose 1.x's rule the upper one 70%)
    np.random.seed(0)
    upper_ids, lower_ids = list(range(10)), list(range(10, 20))
    transform = TRANSFORMS.build(published_half_body_cfg())
    chosen = halves(transform(batch(20_000, 20, [0, 1] + lower_ids[:7], upper_ids, lower_ids)))
    assert np.mean(chosen != None) == pytest.approx(0.3, abs=0.015)  # noqa: E711
    assert set(chosen[chosen != None]) == {'lower'}  # noqa: E711


def test_upper_first_falls_back_to_two_upper_keypoints():
    # neither half has 3 visible: the original still crops the upper half if it has 2
    np.random.seed(0)
    cfg = dict(published_half_body_cfg(), min_total_keypoints=3, prob=1.0)
    transform = TRANSFORMS.build(cfg)
    chosen = halves(transform(batch(200, 17, [0, 1, 11, 12], UPPER, LOWER)))
    assert set(chosen) == {'upper'}
    chosen = halves(transform(batch(200, 17, [0, 11, 12, 13], UPPER, LOWER)))
    assert set(chosen) == {'lower'}
    assert set(halves(transform(batch(200, 17, [0, 11, 12], UPPER, LOWER)))) == {None}


def _original_half_body(joints, visible, rng_prob=0.3, image_size=(192, 256)):
    """``TopDownHalfBodyTransform`` of mmpose 0.x (``__call__`` and ``half_body_transform``),
    as written there, for COCO; returns (center, scale in pixels) or None."""
    if not (np.sum(visible) > 8 and np.random.rand() < rng_prob):
        return None
    upper_joints, lower_joints = [], []
    for joint_id in range(17):
        if visible[joint_id] > 0:
            (upper_joints if joint_id in UPPER else lower_joints).append(joints[joint_id])
    if np.random.randn() < 0.5 and len(upper_joints) > 2:
        selected = upper_joints
    elif len(lower_joints) > 2:
        selected = lower_joints
    else:
        selected = upper_joints
    if len(selected) < 2:
        return None
    selected = np.array(selected, dtype=np.float32)
    center = selected.mean(axis=0)[:2]
    w, h = np.amax(selected, axis=0) - np.amin(selected, axis=0)
    aspect_ratio = image_size[0] / image_size[1]
    if w > aspect_ratio * h:
        h = w * 1.0 / aspect_ratio
    elif w < aspect_ratio * h:
        w = h * aspect_ratio
    return center, np.array([w / 200.0, h / 200.0], dtype=np.float32) * 1.5 * 200.0


def test_upper_first_draws_as_the_original_does():
    transform = TRANSFORMS.build(published_half_body_cfg())
    rng = np.random.default_rng(5)
    cases = []
    for _ in range(2000):
        visible = (rng.uniform(size=17) < 0.75).astype(np.float32)
        keypoints = rng.uniform(0, 300, size=(1, 17, 2)).astype(np.float32)
        cases.append((keypoints, visible))
    np.random.seed(7)
    ours = []
    for keypoints, visible in cases:
        results = transform(dict(keypoints=keypoints, keypoints_visible=visible[None],
                                 bbox_center=np.array([[-1., -1.]], np.float32),
                                 bbox_scale=np.array([[-1., -1.]], np.float32),
                                 upper_body_ids=UPPER, lower_body_ids=LOWER))
        ours.append((results['bbox_center'][0], results['bbox_scale'][0]))
    np.random.seed(7)
    num_applied = 0
    for (keypoints, visible), (center, scale) in zip(cases, ours):
        expected = _original_half_body(keypoints[0], visible)
        if expected is None:
            np.testing.assert_array_equal(center, [-1, -1])
            continue
        num_applied += 1
        np.testing.assert_allclose(center, expected[0], rtol=1e-5)
        np.testing.assert_allclose(fix_aspect_ratio(scale[None], 192 / 256)[0], expected[1],
                                   rtol=1e-5)
    assert num_applied > 200


def test_upper_first_refuses_a_prioritized_probability():
    with pytest.raises(ValueError, match='prioritized'):
        TRANSFORMS.build(dict(type='RandomHalfBody', selection='upper_first',
                              upper_prioritized_prob=0.7))
    with pytest.raises(ValueError, match='selection'):
        TRANSFORMS.build(dict(type='RandomHalfBody', selection='random'))
