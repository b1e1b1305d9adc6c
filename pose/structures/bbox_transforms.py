"""Box formats and the crop affine shared by the pipeline (forward) and the model (inverse).

Conventions (mmpose 1.x): a box is ``xyxy`` in image pixels, or ``center`` (x, y) plus ``scale``
(w, h) in pixels, where scale is the box size times a padding factor. The crop warp maps the
box given by (center, scale, rotation) onto an ``input_size`` = (w, h) network input.
"""
from typing import Sequence, Tuple, Union

import numpy as np

ArrayLike = Union[np.ndarray, Sequence[float]]


def bbox_xywh2xyxy(bbox_xywh: np.ndarray) -> np.ndarray:
    """Convert (..., 4) ``x, y, w, h`` boxes to (..., 4) ``x1, y1, x2, y2`` (x2 = x + w)."""
    bbox_xyxy = np.array(bbox_xywh, dtype=np.float32, copy=True)
    bbox_xyxy[..., 2:4] += bbox_xyxy[..., 0:2]
    return bbox_xyxy


def bbox_xyxy2cs(bbox: np.ndarray, padding: float = 1.0) -> Tuple[np.ndarray, np.ndarray]:
    """Convert boxes from corners to center and (padded) scale.

    Args:
        bbox: (N, 4) or (4,) ``x1, y1, x2, y2``.
        padding: factor applied to the box size.

    Returns:
        center (N, 2) or (2,) and scale (N, 2) or (2,), float32, same leading shape as ``bbox``.
    """
    bbox = np.asarray(bbox, dtype=np.float32)
    center = (bbox[..., 0:2] + bbox[..., 2:4]) * 0.5
    scale = (bbox[..., 2:4] - bbox[..., 0:2]) * padding
    return center.astype(np.float32), scale.astype(np.float32)


def bbox_cs2xyxy(center: np.ndarray, scale: np.ndarray, padding: float = 1.0) -> np.ndarray:
    """Convert center (N, 2) and scale (N, 2) to (N, 4) ``x1, y1, x2, y2`` boxes.

    ``padding`` is the factor that was applied to the scale; it is divided out again.
    """
    center = np.asarray(center, dtype=np.float32)
    half = np.asarray(scale, dtype=np.float32) / padding * 0.5
    return np.concatenate([center - half, center + half], axis=-1).astype(np.float32)


def fix_aspect_ratio(bbox_scale: np.ndarray, aspect_ratio: float) -> np.ndarray:
    """Enlarge (N, 2) box scales (w, h) along one axis so that w / h == ``aspect_ratio``.

    The box only grows, so the person is never cut by the change of shape.
    """
    bbox_scale = np.asarray(bbox_scale, dtype=np.float32)
    w, h = bbox_scale[..., 0:1], bbox_scale[..., 1:2]
    return np.where(w > h * aspect_ratio,
                    np.concatenate([w, w / aspect_ratio], axis=-1),
                    np.concatenate([h * aspect_ratio, h], axis=-1)).astype(np.float32)


def flip_bbox(bbox: np.ndarray, image_size: Tuple[int, int], bbox_format: str = 'xyxy',
              direction: str = 'horizontal') -> np.ndarray:
    """Mirror boxes inside an image of ``image_size`` = (w, h).

    Args:
        bbox: (..., 4) xyxy boxes, or (..., 2) centers when ``bbox_format='center'``.
        image_size: (w, h) of the image being flipped.
        bbox_format: 'xyxy' or 'center'.
        direction: 'horizontal', 'vertical' or 'diagonal'.

    Returns:
        Flipped boxes of the same shape. Pixel ``i`` goes to ``w - 1 - i`` (as ``cv2.flip``).
    """
    if bbox_format not in ('xyxy', 'center'):
        raise ValueError(f"bbox_format must be 'xyxy' or 'center', got {bbox_format!r}")
    if direction not in ('horizontal', 'vertical', 'diagonal'):
        raise ValueError(f'Unknown flip direction {direction!r}')
    w, h = image_size
    flipped = np.array(bbox, copy=True)
    axes = {'horizontal': [(0, w)], 'vertical': [(1, h)], 'diagonal': [(0, w), (1, h)]}[direction]
    for axis, size in axes:
        if bbox_format == 'center':
            flipped[..., axis] = size - 1 - bbox[..., axis]
        else:
            # corners swap: the new left edge is the mirrored old right edge
            flipped[..., axis] = size - 1 - bbox[..., axis + 2]
            flipped[..., axis + 2] = size - 1 - bbox[..., axis]
    return flipped


def _warp_scale_and_target(scale: np.ndarray, output_size: ArrayLike,
                           use_udp: bool) -> Tuple[np.ndarray, np.ndarray]:
    """Pixels-per-source-pixel (kx, ky) and the output point that the box center maps to.

    Standard: the box spans the output's ``size`` pixel edges, so center -> size / 2.
    UDP: the box spans the ``size - 1`` intervals between the first and last pixel centers,
    so center -> (size - 1) / 2; this is what makes the encode/decode round trip unbiased.
    """
    size = np.asarray(output_size, dtype=np.float64)
    span = size - 1.0 if use_udp else size
    return span / np.asarray(scale, dtype=np.float64), span * 0.5


def get_warp_matrix(center: ArrayLike, scale: ArrayLike, rot: float, output_size: ArrayLike,
                    use_udp: bool = False, inv: bool = False) -> np.ndarray:
    """The (2, 3) affine that maps the box (center, scale, rot) onto an ``output_size`` crop.

    Args:
        center: (2,) box center (x, y) in image pixels.
        scale: (2,) box size (w, h) in image pixels. Give it the aspect ratio of
            ``output_size`` (see :func:`fix_aspect_ratio`), otherwise the crop is stretched.
        rot: rotation of the box in degrees (mmpose's sign convention).
        output_size: (w, h) of the crop.
        use_udp: unbiased data processing (see :func:`_warp_scale_and_target`).
        inv: return the inverse map, crop -> image.

    Returns:
        (2, 3) float32 matrix for ``cv2.warpAffine`` / :func:`transform_points`.
    """
    k, target = _warp_scale_and_target(scale, output_size, use_udp)
    theta = np.deg2rad(rot)
    cos, sin = np.cos(theta), np.sin(theta)
    # crop = diag(k) @ R(-rot) @ (p - center) + target; closed form of mmpose's three-point fit
    rot_inv = np.array([[cos, sin], [-sin, cos]])
    center = np.asarray(center, dtype=np.float64)
    if inv:
        linear = rot_inv.T @ np.diag(1.0 / k)
        offset = center - linear @ target
    else:
        linear = np.diag(k) @ rot_inv
        offset = target - linear @ center
    return np.concatenate([linear, offset[:, None]], axis=1).astype(np.float32)


def transform_points(points: np.ndarray, warp_mat: np.ndarray) -> np.ndarray:
    """Apply a (2, 3) affine to points of shape (..., 2); returns float32 (..., 2)."""
    points = np.asarray(points, dtype=np.float32)
    return (points @ warp_mat[:, :2].T + warp_mat[:, 2]).astype(np.float32)


def keypoints_to_image(keypoints: np.ndarray, input_center: np.ndarray, input_scale: np.ndarray,
                       input_size: ArrayLike, use_udp: bool = False) -> np.ndarray:
    """Map keypoints from network-input pixels back to image pixels (the inverse crop).

    This is the test-time inverse of :class:`pose.transforms.TopdownAffine` (no rotation).
    Decode heatmaps with the codec first: codecs return keypoints in input-space pixels.

    Args:
        keypoints: (..., K, 2) in input-space pixels, e.g. (N, K, 2) or (K, 2).
        input_center: (2,) or (N, 2) crop centers, the data sample's ``input_center``.
        input_scale: (2,) or (N, 2) crop sizes in image pixels, the ``input_scale``.
        input_size: (w, h) network input size, the ``input_size``.
        use_udp: must match the ``use_udp`` of the TopdownAffine that made the crop.

    Returns:
        float32 keypoints of the same shape, in image pixels.
    """
    center = np.asarray(input_center, dtype=np.float32)
    k, target = _warp_scale_and_target(input_scale, input_size, use_udp)
    if center.ndim == 2:
        # one center per instance: broadcast over that instance's K keypoints
        center, k = center[:, None, :], k[:, None, :]
    points = (np.asarray(keypoints, dtype=np.float64) - target) / k + center
    return points.astype(np.float32)
