"""RandomHalfBody picks the box of the visible upper or lower body."""
import numpy as np

from pose.registry import TRANSFORMS

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
