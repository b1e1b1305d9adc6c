"""Sub-pixel refinement of argmax locations (vectorised over instances and keypoints).

* :func:`refine_keypoints` - the classic quarter-pixel shift toward the higher neighbour.
* :func:`refine_keypoints_dark` - DARK: Taylor expansion of the log of the blurred heatmap.
* :func:`refine_keypoints_dark_udp` - the same with UDP's finite differences.
"""
import numpy as np

from .gaussian_blur import gaussian_blur


def _gather(heatmaps: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Values ``heatmaps[k, y[n, k], x[n, k]]`` for (N, K) index arrays; returns (N, K)."""
    k = np.broadcast_to(np.arange(heatmaps.shape[0]), x.shape)
    return heatmaps[k, y, x]


def refine_keypoints(keypoints: np.ndarray, heatmaps: np.ndarray) -> np.ndarray:
    """Shift each location by 0.25 px toward the higher of its two neighbours, per axis.

    Args:
        keypoints: (N, K, 2) integer (x, y) argmax locations in heatmap pixels.
        heatmaps: (K, H, W).

    Returns:
        (N, K, 2) float32 refined locations. As in HRNet and mmpose 0.x
        (``keypoints_from_heatmaps``, ``post_process='default'``), with which the published
        Lite-HRNet results were decoded, a location moves only when ``1 < x < W - 1`` and
        ``1 < y < H - 1``, both axes together: a peak on column or row 0, 1 or the last one
        is left as is. (mmpose 1.x tests each axis on its own.)
    """
    H, W = heatmaps.shape[1:]
    x = keypoints[..., 0].astype(np.int64)
    y = keypoints[..., 1].astype(np.int64)
    inside = (x > 1) & (x < W - 1) & (y > 1) & (y < H - 1)
    # clipped indices keep the gather in range; the mask discards what they would read
    xc, yc = np.clip(x, 1, max(W - 2, 1)), np.clip(y, 1, max(H - 2, 1))
    dx = _gather(heatmaps, np.minimum(xc + 1, W - 1), yc) - _gather(heatmaps, xc - 1, yc)
    dy = _gather(heatmaps, xc, np.minimum(yc + 1, H - 1)) - _gather(heatmaps, xc, yc - 1)
    shift = np.where(inside[..., None], np.sign(np.stack([dx, dy], axis=-1)), 0.) * 0.25
    return (keypoints + shift).astype(np.float32)


def refine_keypoints_dark(keypoints: np.ndarray, heatmaps: np.ndarray,
                          blur_kernel_size: int) -> np.ndarray:
    """DARK refinement: one Newton step on the log of the blurred heatmap.

    Args:
        keypoints: (N, K, 2) integer (x, y) argmax locations in heatmap pixels.
        heatmaps: (K, H, W).
        blur_kernel_size: kernel of the Gaussian modulation (11 for sigma 2 targets).

    Returns:
        (N, K, 2) float32 locations. Points within 2 px of the border, or with a singular
        Hessian, are left unchanged (the 5-point stencil needs two neighbours each side).
    """
    H, W = heatmaps.shape[1:]
    log_map = np.log(np.maximum(gaussian_blur(heatmaps, blur_kernel_size), 1e-10))
    x = keypoints[..., 0].astype(np.int64)
    y = keypoints[..., 1].astype(np.int64)
    valid = (x > 1) & (x < W - 2) & (y > 1) & (y < H - 2)
    xc, yc = np.clip(x, 2, max(W - 3, 2)), np.clip(y, 2, max(H - 3, 2))

    def at(ox: int, oy: int) -> np.ndarray:
        return _gather(log_map, np.clip(xc + ox, 0, W - 1), np.clip(yc + oy, 0, H - 1))

    centre = at(0, 0)
    dx = 0.5 * (at(1, 0) - at(-1, 0))
    dy = 0.5 * (at(0, 1) - at(0, -1))
    dxx = 0.25 * (at(2, 0) - 2 * centre + at(-2, 0))
    dxy = 0.25 * (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1))
    dyy = 0.25 * (at(0, 2) - 2 * centre + at(0, -2))
    det = dxx * dyy - dxy ** 2
    valid &= det != 0
    safe_det = np.where(valid, det, 1.)
    # offset = -Hessian^-1 @ gradient, with the 2x2 inverse written out
    offset_x = -(dyy * dx - dxy * dy) / safe_det
    offset_y = -(dxx * dy - dxy * dx) / safe_det
    offset = np.where(valid[..., None], np.stack([offset_x, offset_y], axis=-1), 0.)
    return (keypoints + offset).astype(np.float32)


def refine_keypoints_dark_udp(keypoints: np.ndarray, heatmaps: np.ndarray,
                              blur_kernel_size: int) -> np.ndarray:
    """UDP's DARK variant: edge-padded 3x3 differences and a regularised Hessian inverse.

    Args:
        keypoints: (N, K, 2) integer (x, y) argmax locations in heatmap pixels
            ((-1, -1) for empty heatmaps, which the edge padding keeps in range).
        heatmaps: (K, H, W).
        blur_kernel_size: kernel of the Gaussian modulation.

    Returns:
        (N, K, 2) float32 refined locations.
    """
    log_map = np.log(np.clip(gaussian_blur(heatmaps, blur_kernel_size), 1e-3, 50.))
    padded = np.pad(log_map, ((0, 0), (1, 1), (1, 1)), mode='edge')
    x = keypoints[..., 0].astype(np.int64) + 1
    y = keypoints[..., 1].astype(np.int64) + 1

    def at(ox: int, oy: int) -> np.ndarray:
        return _gather(padded, x + ox, y + oy)

    centre = at(0, 0)
    right, left, down, up = at(1, 0), at(-1, 0), at(0, 1), at(0, -1)
    dx = 0.5 * (right - left)
    dy = 0.5 * (down - up)
    dxx = right - 2 * centre + left
    dyy = down - 2 * centre + up
    dxy = 0.5 * (at(1, 1) - right - down + 2 * centre - left - up + at(-1, -1))
    hessian = np.stack([np.stack([dxx, dxy], -1), np.stack([dxy, dyy], -1)], -2)
    hessian_inv = np.linalg.inv(hessian + np.finfo(np.float32).eps * np.eye(2))
    gradient = np.stack([dx, dy], axis=-1)
    offset = np.einsum('...ij,...j->...i', hessian_inv, gradient)
    return (keypoints - offset).astype(np.float32)
