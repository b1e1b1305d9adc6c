"""UDPHeatmap: the unbiased grid and its encode/decode round trip."""
import numpy as np

from pose.codecs import UDPHeatmap
from pose.registry import KEYPOINT_CODECS


def test_scale_factor_maps_first_and_last_pixel_centres():
    codec = KEYPOINT_CODECS.build(dict(type='UDPHeatmap', input_size=(192, 256),
                                       heatmap_size=(48, 64), sigma=2))
    assert isinstance(codec, UDPHeatmap) and codec.use_udp
    np.testing.assert_allclose(codec.scale_factor, [191 / 47, 255 / 63], rtol=1e-6)
    keypoints = np.array([[[0., 0.], [191., 255.]]], np.float32)
    heatmaps = codec.encode(keypoints)['heatmaps']
    assert heatmaps[0, 0, 0] == 1.0 and heatmaps[1, 63, 47] == 1.0


def test_round_trip_is_subpixel_exact():
    codec = UDPHeatmap((192, 256), (48, 64), sigma=2)
    rng = np.random.default_rng(3)
    # 4 heatmap px from the border: closer, the zero-border blur of the decoder pulls inward
    keypoints = rng.uniform([16, 16], [176, 240], size=(1, 100, 2)).astype(np.float32)
    encoded = codec.encode(keypoints, np.ones((1, 100), np.float32))
    decoded, scores = codec.decode(encoded['heatmaps'])
    assert decoded.shape == (1, 100, 2) and scores.shape == (1, 100)
    # the 3-sigma cut of the target leaves a few hundredths of a pixel at worst
    assert np.abs(decoded - keypoints).max() < 0.1
    assert np.abs(decoded - keypoints).mean() < 0.01
    np.testing.assert_array_equal(encoded['keypoint_weights'], 1)


def test_batch_decode_matches_decode():
    codec = UDPHeatmap((192, 256), (48, 64), sigma=2)
    keypoints = np.array([[[50., 60.], [100.3, 200.7]]], np.float32)
    heatmaps = codec.encode(keypoints)['heatmaps']
    batch_keypoints, batch_scores = codec.batch_decode(np.stack([heatmaps, heatmaps]))
    single, _ = codec.decode(heatmaps)
    assert len(batch_keypoints) == 2 and len(batch_scores) == 2
    np.testing.assert_allclose(batch_keypoints[1], single)
