"""Keypoint mirroring with left/right relabelling."""
import numpy as np
import pytest

from pose.structures import flip_keypoints

FLIP_INDICES = [0, 2, 1, 4, 3]


def test_horizontal_flip_swaps_pairs_and_mirrors_x():
    keypoints = np.array([[[10., 5.], [20., 6.], [30., 7.], [40., 8.], [50., 9.]]])
    visible = np.array([[1., 1., 0., 1., 0.]])
    flipped, flipped_visible = flip_keypoints(keypoints, visible, (100, 60), FLIP_INDICES)
    np.testing.assert_allclose(flipped[0, :, 0], [89, 69, 79, 49, 59])
    np.testing.assert_allclose(flipped[0, :, 1], [5, 7, 6, 9, 8])
    np.testing.assert_array_equal(flipped_visible, [[1, 0, 1, 0, 1]])


@pytest.mark.parametrize('direction', ['horizontal', 'vertical', 'diagonal'])
def test_flipping_twice_is_identity(direction):
    rng = np.random.default_rng(0)
    keypoints = rng.uniform(0, 100, size=(3, 5, 2)).astype(np.float32)
    visible = (rng.random((3, 5)) > 0.5).astype(np.float32)
    once = flip_keypoints(keypoints, visible, (120, 100), FLIP_INDICES, direction)
    twice = flip_keypoints(*once, (120, 100), FLIP_INDICES, direction)
    np.testing.assert_allclose(twice[0], keypoints, atol=1e-5)
    np.testing.assert_array_equal(twice[1], visible)
    assert not np.allclose(once[0], keypoints)


def test_rejects_mismatched_flip_indices():
    with pytest.raises(ValueError, match='flip_indices'):
        flip_keypoints(np.zeros((1, 4, 2)), None, (10, 10), FLIP_INDICES)
