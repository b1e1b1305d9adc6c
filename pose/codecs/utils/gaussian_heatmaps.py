"""Vectorised Gaussian heatmap targets (MSRA, unbiased/DARK and UDP flavours).

All three share one rule: a keypoint gets a Gaussian of std ``sigma`` (peak value 1) and
keeps its weight only if the 3-sigma square around it overlaps the heatmap. They differ in where
the Gaussian is centred and whether it is cut to that square:

=========  =====================  ======================
flavour    centre                 support
=========  =====================  ======================
MSRA       rounded position       3-sigma square
unbiased   exact position         whole heatmap
UDP        exact position         3-sigma square around the rounded position
=========  =====================  ======================

A 2D Gaussian is the outer product of two 1D profiles, so each keypoint costs H + W
exponentials instead of H * W and the whole target is one broadcast multiply.
"""
from typing import Optional, Tuple

import numpy as np


def _round_half_up(keypoints: np.ndarray) -> np.ndarray:
    """Nearest pixel as mmpose computes it: ``int(x + 0.5)`` (truncation toward zero)."""
    return (keypoints + 0.5).astype(np.int64)


def _axis_profiles(centres: np.ndarray, window_centres: Optional[np.ndarray], length: int,
                   sigma: float, radius: float) -> np.ndarray:
    """1D Gaussian profiles along one axis.

    Args:
        centres: (N, K) Gaussian means along this axis.
        window_centres: (N, K) integer window centres, or None for no window.
        length: number of pixels along the axis.

    Returns:
        (N, K, length) float32 profiles, zero outside ``|pixel - window_centre| <= radius``.
    """
    grid = np.arange(length, dtype=np.float32)
    profiles = np.exp(-(grid - centres[..., None]) ** 2 / np.float32(2 * sigma ** 2))
    if window_centres is not None:
        inside = np.abs(grid - window_centres[..., None]) <= radius
        profiles = np.where(inside, profiles, np.float32(0))
    return profiles.astype(np.float32)


def _render(heatmap_size: Tuple[int, int], keypoints: np.ndarray, keypoints_visible: np.ndarray,
            sigma: float, mode: str) -> Tuple[np.ndarray, np.ndarray]:
    """Shared body of the three generators; ``mode`` is 'msra', 'unbiased' or 'udp'."""
    W, H = heatmap_size
    N, K, _ = keypoints.shape
    keypoints = keypoints.astype(np.float32)
    radius = sigma * 3
    rounded = _round_half_up(keypoints)
    # the validity test uses the (rounded) window centre except for the unbiased flavour
    anchor = keypoints if mode == 'unbiased' else rounded
    outside = ((anchor[..., 0] - radius >= W) | (anchor[..., 1] - radius >= H)
               | (anchor[..., 0] + radius + 1 < 0) | (anchor[..., 1] + radius + 1 < 0))
    labelled = keypoints_visible >= 0.5
    keypoint_weights = np.where(labelled & outside, 0, keypoints_visible).astype(np.float32)
    drawn = labelled & ~outside

    centres = rounded.astype(np.float32) if mode == 'msra' else keypoints
    windows = None if mode == 'unbiased' else rounded
    gx = _axis_profiles(centres[..., 0], None if windows is None else windows[..., 0], W, sigma,
                        radius)
    gy = _axis_profiles(centres[..., 1], None if windows is None else windows[..., 1], H, sigma,
                        radius)
    gx *= drawn[..., None]
    heatmaps = gy[..., :, None] * gx[..., None, :]  # (N, K, H, W)
    # several instances (bottom-up use) share one map per keypoint type: keep the strongest
    return heatmaps.max(axis=0), keypoint_weights


def generate_gaussian_heatmaps(heatmap_size: Tuple[int, int], keypoints: np.ndarray,
                               keypoints_visible: np.ndarray,
                               sigma: float) -> Tuple[np.ndarray, np.ndarray]:
    """MSRA targets: Gaussian at the rounded keypoint, cut to its 3-sigma square.

    Args:
        heatmap_size: (W, H).
        keypoints: (N, K, 2) in heatmap pixels.
        keypoints_visible: (N, K); keypoints below 0.5 are not drawn.
        sigma: Gaussian std in heatmap pixels.

    Returns:
        heatmaps (K, H, W) float32 and keypoint_weights (N, K) float32: the visibility, set to
        0 where the Gaussian would fall entirely outside the heatmap.
    """
    return _render(heatmap_size, keypoints, keypoints_visible, sigma, 'msra')


def generate_unbiased_gaussian_heatmaps(heatmap_size: Tuple[int, int], keypoints: np.ndarray,
                                        keypoints_visible: np.ndarray,
                                        sigma: float) -> Tuple[np.ndarray, np.ndarray]:
    """DARK targets: Gaussian at the exact (sub-pixel) keypoint over the whole heatmap.

    Same arguments and returns as :func:`generate_gaussian_heatmaps`.
    """
    return _render(heatmap_size, keypoints, keypoints_visible, sigma, 'unbiased')


def generate_udp_gaussian_heatmaps(heatmap_size: Tuple[int, int], keypoints: np.ndarray,
                                   keypoints_visible: np.ndarray,
                                   sigma: float) -> Tuple[np.ndarray, np.ndarray]:
    """UDP targets: Gaussian at the exact keypoint, cut to the 3-sigma square of its pixel.

    Same arguments and returns as :func:`generate_gaussian_heatmaps`.
    """
    return _render(heatmap_size, keypoints, keypoints_visible, sigma, 'udp')
