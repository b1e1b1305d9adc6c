"""The vectorised Gaussian targets equal a per-pixel reference of mmpose's rules."""
import numpy as np
import pytest

from pose.codecs.utils import (generate_gaussian_heatmaps, generate_udp_gaussian_heatmaps,
                               generate_unbiased_gaussian_heatmaps)

W, H, SIGMA = 48, 64, 2.0


def reference(keypoints, visible, mode):
    """Straightforward per-keypoint, per-pixel rendering (mmpose's loops)."""
    heatmaps = np.zeros((keypoints.shape[1], H, W), np.float32)
    weights = visible.astype(np.float32).copy()
    radius = 3 * SIGMA
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    for n in range(keypoints.shape[0]):
        for k in range(keypoints.shape[1]):
            if visible[n, k] < 0.5:
                continue
            mu = (keypoints[n, k] + 0.5).astype(np.int64)
            anchor = keypoints[n, k] if mode == 'unbiased' else mu
            if (anchor[0] - radius >= W or anchor[1] - radius >= H or anchor[0] + radius + 1 < 0
                    or anchor[1] + radius + 1 < 0):
                weights[n, k] = 0
                continue
            centre = mu if mode == 'msra' else keypoints[n, k]
            g = np.exp(-((xs - centre[0])**2 + (ys - centre[1])**2) / (2 * SIGMA**2))
            if mode != 'unbiased':
                g[(np.abs(xs - mu[0]) > radius) | (np.abs(ys - mu[1]) > radius)] = 0
            heatmaps[k] = np.maximum(heatmaps[k], g)
    return heatmaps, weights


GENERATORS = dict(msra=generate_gaussian_heatmaps, unbiased=generate_unbiased_gaussian_heatmaps,
                  udp=generate_udp_gaussian_heatmaps)


@pytest.mark.parametrize('mode', sorted(GENERATORS))
def test_matches_reference(mode):
    rng = np.random.default_rng(0)
    # in-map, near-edge and far-outside keypoints, two instances sharing the maps
    keypoints = rng.uniform(-12, 60, size=(2, 40, 2)).astype(np.float32)
    keypoints[0, :3] = [[-30, 10], [10, 200], [-6.4, -6.4]]
    visible = (rng.random((2, 40)) > 0.2).astype(np.float32)
    heatmaps, weights = GENERATORS[mode]((W, H), keypoints, visible, SIGMA)
    ref_heatmaps, ref_weights = reference(keypoints, visible, mode)
    assert heatmaps.shape == (40, H, W) and heatmaps.dtype == np.float32
    np.testing.assert_allclose(heatmaps, ref_heatmaps, atol=1e-6)
    np.testing.assert_array_equal(weights, ref_weights)
    assert weights[0, 0] == 0 and weights[0, 1] == 0  # Gaussians entirely off the map


def test_invisible_keypoints_are_not_drawn():
    keypoints = np.array([[[10., 10.], [30., 40.]]], np.float32)
    heatmaps, weights = generate_gaussian_heatmaps((W, H), keypoints, np.array([[1., 0.]]),
                                                   SIGMA)
    assert heatmaps[0, 10, 10] == 1.0 and heatmaps[1].max() == 0
    np.testing.assert_array_equal(weights, [[1., 0.]])
