"""MSRAHeatmap: encode/decode round trip, the quarter-pixel rule and DARK's precision."""
import numpy as np
import pytest

from pose.codecs import MSRAHeatmap
from pose.registry import KEYPOINT_CODECS

INPUT, HEATMAP = (192, 256), (48, 64)


def random_keypoints(n, seed=0, margin=12):
    """(1, n, 2) keypoints in input pixels, away from the border."""
    rng = np.random.default_rng(seed)
    low, high = np.array([margin, margin]), np.array(INPUT) - margin
    return rng.uniform(low, high, size=(1, n, 2)).astype(np.float32)


def test_built_from_registry():
    codec = KEYPOINT_CODECS.build(dict(type='MSRAHeatmap', input_size=INPUT,
                                       heatmap_size=HEATMAP, sigma=2))
    assert isinstance(codec, MSRAHeatmap) and not codec.use_udp
    np.testing.assert_allclose(codec.scale_factor, [4., 4.])


def test_encode_shapes_and_weights():
    codec = MSRAHeatmap(INPUT, HEATMAP, sigma=2)
    keypoints = random_keypoints(17)
    keypoints[0, 3] = [-100, 50]  # Gaussian entirely left of the heatmap
    visible = np.ones((1, 17), np.float32)
    visible[0, 5] = 0
    encoded = codec.encode(keypoints, visible)
    assert encoded['heatmaps'].shape == (17, 64, 48)
    assert encoded['heatmaps'].dtype == np.float32
    assert encoded['keypoint_weights'].shape == (1, 17)
    assert encoded['keypoint_weights'][0, 3] == 0 and encoded['keypoint_weights'][0, 5] == 0
    assert encoded['keypoint_weights'].sum() == 15
    assert encoded['heatmaps'][5].max() == 0
    # the peak (value 1) sits at the rounded heatmap position
    x, y = (keypoints[0, 0] / 4 + 0.5).astype(int)
    assert encoded['heatmaps'][0, y, x] == pytest.approx(1.0)


def test_one_instance_only():
    with pytest.raises(ValueError, match='one instance'):
        MSRAHeatmap(INPUT, HEATMAP, sigma=2).encode(np.zeros((2, 17, 2), np.float32))


def test_round_trip_within_half_a_heatmap_pixel():
    codec = MSRAHeatmap(INPUT, HEATMAP, sigma=2)
    keypoints = random_keypoints(200)
    decoded, scores = codec.decode(codec.encode(keypoints)['heatmaps'])
    assert decoded.shape == (1, 200, 2) and scores.shape == (1, 200)
    # the target peak is the rounded position: error <= 0.5 heatmap px = 2 input px per axis
    assert np.abs(decoded - keypoints).max() <= 2.0 + 1e-4
    np.testing.assert_allclose(scores, 1.0)


def test_quarter_pixel_shift_toward_higher_neighbour():
    codec = MSRAHeatmap(INPUT, HEATMAP, sigma=2)
    heatmaps = np.zeros((2, 64, 48), np.float32)
    heatmaps[0, 20, 10], heatmaps[0, 20, 11], heatmaps[0, 21, 10] = 1.0, 0.5, 0.2
    heatmaps[1, 30, 30], heatmaps[1, 30, 29], heatmaps[1, 29, 30] = 1.0, 0.5, 0.2
    decoded, scores = codec.decode(heatmaps)
    np.testing.assert_allclose(decoded[0], [[10.25 * 4, 20.25 * 4], [29.75 * 4, 29.75 * 4]])
    np.testing.assert_allclose(scores[0], [1.0, 1.0])


def test_empty_heatmap_decodes_to_minus_one():
    decoded, scores = MSRAHeatmap(INPUT, HEATMAP, sigma=2).decode(np.zeros((1, 64, 48)))
    np.testing.assert_allclose(decoded, [[[-4., -4.]]])  # (-1, -1) heatmap px, scaled
    assert scores[0, 0] == 0


def test_dark_decodes_subpixel_gaussians_more_accurately():
    keypoints = random_keypoints(100, seed=1)
    # the same sub-pixel Gaussians (what a good network predicts) for both decoders
    heatmaps = MSRAHeatmap(INPUT, HEATMAP, sigma=2, unbiased=True).encode(keypoints)['heatmaps']
    default, _ = MSRAHeatmap(INPUT, HEATMAP, sigma=2).decode(heatmaps)
    dark, _ = MSRAHeatmap(INPUT, HEATMAP, sigma=2, unbiased=True).decode(heatmaps)
    default_err = np.linalg.norm(default - keypoints, axis=-1).mean()
    dark_err = np.linalg.norm(dark - keypoints, axis=-1).mean()
    assert dark_err < 0.05 < 0.5 < default_err
