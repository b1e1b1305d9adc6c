"""RandomBBoxTransform: truncated-normal jitter within the configured ranges."""
import numpy as np

from pose.registry import TRANSFORMS
from pose.transforms.random_bbox_transform import truncated_normal


def test_truncated_normal_is_bounded_and_normal_shaped():
    np.random.seed(0)
    samples = truncated_normal((20000,))
    assert samples.min() >= -1 and samples.max() <= 1 and samples.dtype == np.float32
    # std of N(0, 1) truncated to [-1, 1] is 0.538
    assert abs(samples.std() - 0.538) < 0.01 and abs(samples.mean()) < 0.02


def test_ranges_and_probabilities():
    np.random.seed(1)
    transform = TRANSFORMS.build(dict(type='RandomBBoxTransform', shift_prob=1.0,
                                      rotate_prob=1.0))
    n = 2000
    center = np.tile(np.array([[100., 200.]], np.float32), (n, 1))
    scale = np.tile(np.array([[50., 80.]], np.float32), (n, 1))
    results = transform(dict(bbox_center=center.copy(), bbox_scale=scale.copy()))
    shift = (results['bbox_center'] - center) / scale
    factor = results['bbox_scale'] / scale
    assert np.abs(shift).max() <= 0.16 + 1e-6 and np.abs(shift).max() > 0.1
    assert factor.min() >= 0.75 - 1e-6 and factor.max() <= 1.25 + 1e-6
    np.testing.assert_allclose(factor[:, 0], factor[:, 1], rtol=1e-5)  # aspect ratio kept
    assert results['bbox_rotation'].shape == (n,)
    assert np.abs(results['bbox_rotation']).max() <= 80 and results['bbox_rotation'].std() > 20


def test_zero_probabilities_change_nothing():
    transform = TRANSFORMS.build(dict(type='RandomBBoxTransform', shift_prob=0, scale_prob=0,
                                      rotate_prob=0))
    results = transform(dict(bbox_center=np.array([[1., 2.]]), bbox_scale=np.array([[3., 4.]])))
    np.testing.assert_array_equal(results['bbox_center'], [[1, 2]])
    np.testing.assert_array_equal(results['bbox_scale'], [[3, 4]])
    np.testing.assert_array_equal(results['bbox_rotation'], [0])
