"""RandomFlip moves image, box and keypoints together."""
import numpy as np
import pytest

from pose.registry import TRANSFORMS

FLIP_INDICES = [0, 2, 1]


def make_results():
    img = np.zeros((40, 60, 3), np.uint8)
    keypoints = np.array([[[5., 10.], [20., 30.], [50., 2.]]], np.float32)
    for x, y in keypoints[0].astype(int):
        img[y, x] = 255
    return dict(img=img, bbox=np.array([[4., 2., 51., 31.]], np.float32),
                bbox_center=np.array([[27.5, 16.5]], np.float32), keypoints=keypoints,
                keypoints_visible=np.array([[1., 1., 0.]], np.float32),
                flip_indices=FLIP_INDICES)


def test_flip_keeps_annotations_on_the_image():
    flip = TRANSFORMS.build(dict(type='RandomFlip', prob=1.0))
    original = make_results()
    results = flip(make_results())
    assert results['flip'] and results['flip_direction'] == 'horizontal'
    for x, y in results['keypoints'][0].astype(int):
        assert results['img'][y, x, 0] == 255
    # keypoint 1 and 2 swapped labels: the new #1 is the mirrored old #2
    np.testing.assert_allclose(results['keypoints'][0, 1], [59 - 50, 2])
    np.testing.assert_array_equal(results['keypoints_visible'], [[1, 0, 1]])
    np.testing.assert_allclose(results['bbox'], [[8, 2, 55, 31]])
    np.testing.assert_allclose(results['bbox_center'], [[31.5, 16.5]])
    twice = flip(results)
    for key in ('img', 'bbox', 'bbox_center', 'keypoints', 'keypoints_visible'):
        np.testing.assert_allclose(twice[key], original[key])


def test_prob_zero_never_flips():
    results = TRANSFORMS.build(dict(type='RandomFlip', prob=0.0))(make_results())
    assert results['flip'] is False and results['flip_direction'] is None
    np.testing.assert_array_equal(results['img'], make_results()['img'])


def test_flip_probability_of_the_recipe():
    # TopDownRandomFlip(flip_prob=0.5) of the published recipe: half of the samples, over 100k
    # draws (the original flips when rand() <= 0.5, this transform when rand() < 0.5: the
    # same probability)
    np.random.seed(0)
    transform = TRANSFORMS.build(dict(type='RandomFlip', direction='horizontal'))
    img = np.zeros((1, 1, 3), np.uint8)
    flipped = [transform(dict(img=img))['flip'] for _ in range(100_000)]
    assert np.mean(flipped) == pytest.approx(0.5, abs=0.005)
