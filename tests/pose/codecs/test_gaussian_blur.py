"""DARK's modulation: zero-border blur that keeps each map's maximum."""
import cv2
import numpy as np

from pose.codecs.utils import gaussian_blur


def test_matches_zero_padded_blur_per_map():
    rng = np.random.default_rng(0)
    heatmaps = rng.random((130, 20, 16)).astype(np.float32)  # more maps than one cv2 call takes
    heatmaps[7] = 0
    blurred = gaussian_blur(heatmaps, 11)
    for k in (0, 129):
        padded = cv2.copyMakeBorder(heatmaps[k], 5, 5, 5, 5, cv2.BORDER_CONSTANT, value=0)
        expected = cv2.GaussianBlur(padded, (11, 11), 0)[5:-5, 5:-5]
        expected *= heatmaps[k].max() / expected.max()
        np.testing.assert_allclose(blurred[k], expected, rtol=1e-5, atol=1e-6)
    assert blurred[7].max() == 0 and np.isfinite(blurred).all()
