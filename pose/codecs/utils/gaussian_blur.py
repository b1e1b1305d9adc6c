"""Heatmap modulation of DARK: smooth the prediction into a Gaussian-like shape."""
import cv2
import numpy as np

# OpenCV's Python binding turns an (H, W, C) array into a C-channel Mat only up to this C
_MAX_CHANNELS = 128


def gaussian_blur(heatmaps: np.ndarray, kernel: int = 11) -> np.ndarray:
    """Blur each heatmap with a Gaussian kernel and restore its original maximum.

    Pixels beyond the border count as 0 (mmpose pads with zeros), so a peak at the edge is
    not reflected back in.

    Args:
        heatmaps: (K, H, W).
        kernel: odd kernel size; cv2 derives sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8
            (sigma = 2 for 11).

    Returns:
        (K, H, W) float32 blurred heatmaps (a new array).
    """
    if kernel % 2 != 1:
        raise ValueError(f'The blur kernel size must be odd, got {kernel}')
    heatmaps = np.asarray(heatmaps, dtype=np.float32)
    origin_max = heatmaps.reshape(heatmaps.shape[0], -1).max(axis=1)
    # few calls for all K maps: cv2 filters every channel of an (H, W, C) image independently
    blurred = np.concatenate([
        _blur_channels(heatmaps[start:start + _MAX_CHANNELS], kernel)
        for start in range(0, heatmaps.shape[0], _MAX_CHANNELS)
    ])
    blurred_max = blurred.reshape(blurred.shape[0], -1).max(axis=1)
    # all-zero maps stay zero instead of becoming NaN
    ratio = np.divide(origin_max, blurred_max, out=np.zeros_like(origin_max),
                      where=blurred_max > 0)
    return np.ascontiguousarray(blurred * ratio[:, None, None], dtype=np.float32)


def _blur_channels(heatmaps: np.ndarray, kernel: int) -> np.ndarray:
    """Zero-border Gaussian blur of (C, H, W) maps, C <= _MAX_CHANNELS; returns (C, H, W)."""
    blurred = cv2.GaussianBlur(np.ascontiguousarray(heatmaps.transpose(1, 2, 0)),
                               (kernel, kernel), 0, borderType=cv2.BORDER_CONSTANT)
    return blurred.reshape(heatmaps.shape[1], heatmaps.shape[2], -1).transpose(2, 0, 1)
