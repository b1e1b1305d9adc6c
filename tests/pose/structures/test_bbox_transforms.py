"""Box conversions and the crop affine, forward and inverse."""
import numpy as np
import pytest

from pose.structures import (bbox_cs2xyxy, bbox_xywh2xyxy, bbox_xyxy2cs, fix_aspect_ratio,
                             flip_bbox, get_warp_matrix, keypoints_to_image, transform_points)


def test_box_format_round_trips():
    xyxy = bbox_xywh2xyxy(np.array([[10., 20., 30., 40.]]))
    np.testing.assert_allclose(xyxy, [[10, 20, 40, 60]])
    center, scale = bbox_xyxy2cs(xyxy, padding=1.25)
    np.testing.assert_allclose(center, [[25, 40]])
    np.testing.assert_allclose(scale, [[37.5, 50]])
    np.testing.assert_allclose(bbox_cs2xyxy(center, scale, padding=1.25), xyxy)
    single_center, _ = bbox_xyxy2cs(np.array([0., 0., 4., 2.]))
    assert single_center.shape == (2,)


def test_fix_aspect_ratio_only_grows():
    fixed = fix_aspect_ratio(np.array([[100., 100.], [30., 200.]]), aspect_ratio=0.75)
    np.testing.assert_allclose(fixed, [[100, 100 / 0.75], [150, 200]])


def test_flip_bbox_twice_is_identity():
    bbox = np.array([[10., 20., 50., 80.]])
    flipped = flip_bbox(bbox, (100, 90), 'xyxy', 'horizontal')
    np.testing.assert_allclose(flipped, [[49, 20, 89, 80]])
    np.testing.assert_allclose(flip_bbox(flipped, (100, 90), 'xyxy', 'horizontal'), bbox)
    np.testing.assert_allclose(flip_bbox(np.array([[30., 5.]]), (100, 90), 'center',
                                         'diagonal'), [[69, 84]])


@pytest.mark.parametrize('use_udp', [False, True])
def test_warp_maps_box_onto_input(use_udp):
    center, scale, size = np.array([300., 200.]), np.array([150., 200.]), (192, 256)
    warp = get_warp_matrix(center, scale, 0., size, use_udp=use_udp)
    span = np.array(size) - (1 if use_udp else 0)
    corners = np.array([center - scale / 2, center + scale / 2])
    np.testing.assert_allclose(transform_points(corners, warp), [[0, 0], span], atol=1e-3)


@pytest.mark.parametrize('use_udp', [False, True])
@pytest.mark.parametrize('rot', [0., 33.])
def test_inverse_warp_and_keypoints_to_image(use_udp, rot):
    center, scale, size = np.array([321.5, 210.]), np.array([180., 240.]), (192, 256)
    rng = np.random.default_rng(0)
    points = rng.uniform(0, 400, size=(5, 2)).astype(np.float32)
    forward = get_warp_matrix(center, scale, rot, size, use_udp=use_udp)
    backward = get_warp_matrix(center, scale, rot, size, use_udp=use_udp, inv=True)
    crop_points = transform_points(points, forward)
    np.testing.assert_allclose(transform_points(crop_points, backward), points, atol=1e-3)
    if rot == 0:
        np.testing.assert_allclose(
            keypoints_to_image(crop_points, center, scale, size, use_udp=use_udp), points,
            atol=1e-3)


def test_rotation_turns_the_box():
    # 90 degrees: the box's left edge midpoint is mapped to the crop's bottom or top centre
    center, scale = np.array([100., 100.]), np.array([50., 50.])
    warp = get_warp_matrix(center, scale, 90., (50, 50))
    mapped = transform_points(np.array([[75., 100.]]), warp)
    np.testing.assert_allclose(np.abs(mapped - 25), [[0, 25]], atol=1e-4)


def test_keypoints_to_image_batched():
    centers = np.array([[100., 100.], [300., 50.]])
    scales = np.array([[96., 128.], [192., 256.]])
    keypoints = np.array([[[96., 128.]], [[0., 0.]]])  # crop centre, crop corner
    restored = keypoints_to_image(keypoints, centers, scales, (192, 256))
    np.testing.assert_allclose(restored, [[[100, 100]], [[204, -78]]])
