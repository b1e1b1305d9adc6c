"""Heatmaps put back into the image where the codecs decode them, and coloured over it."""
import numpy as np
import pytest

from pose.codecs import MSRAHeatmap, UDPHeatmap
from pose.structures import keypoints_to_image
from pose.visualization import heatmap_in_image, overlay_heatmap, summed_heatmap

INPUT_SIZE = (192, 256)  # (w, h)
CENTER, SCALE = np.array([300.0, 200.0]), np.array([150.0, 200.0])


@pytest.mark.parametrize('use_udp', [False, True])
def test_a_heatmap_pixel_lands_where_its_keypoint_decodes(use_udp):
    heatmap = np.zeros((64, 48), np.float32)
    heatmap[20, 30] = 1.0
    stride = (np.array([191, 255]) / [47, 63]) if use_udp else np.array([4.0, 4.0])
    codec = (UDPHeatmap if use_udp else MSRAHeatmap)(INPUT_SIZE, (48, 64), sigma=2)

    placed = heatmap_in_image(heatmap, CENTER, SCALE, codec, (480, 640))

    expected = keypoints_to_image(np.array([[30, 20]]) * stride, CENTER, SCALE, INPUT_SIZE,
                                  use_udp=use_udp)[0]
    peak_y, peak_x = np.unravel_index(placed.argmax(), placed.shape)
    assert placed.shape == (480, 640)
    assert abs(peak_x - expected[0]) <= 1 and abs(peak_y - expected[1]) <= 1
    # Zero outside the crop (the box is 150 x 200 around (300, 200)).
    assert placed[:90].max() == 0 and placed[:, :215].max() == 0


def test_summed_heatmaps_are_clipped_to_one():
    maps = np.stack([np.eye(4, dtype=np.float32), np.eye(4, dtype=np.float32) * 0.5,
                     np.full((4, 4), -0.1, np.float32)])
    summed = summed_heatmap(maps)
    assert summed[0, 0] == 1.0 and summed[0, 1] == 0.0


def test_overlay_darkens_where_cold_and_colours_where_hot():
    image = np.full((8, 8, 3), 200, np.uint8)
    heat = np.zeros((4, 4), np.float32)
    heat[0, 0] = 1.0

    out = overlay_heatmap(image, heat)

    assert out.shape == image.shape
    assert (out[7, 7] == 100).all()  # half the image, no colour
    assert np.abs(out[0, 0].astype(int) - 100).max() > 30
