"""Integer argmax of heatmaps, the first step of every heatmap decoder."""
from typing import Tuple

import numpy as np


def get_heatmap_maximum(heatmaps: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Location and value of each heatmap's maximum.

    Args:
        heatmaps: (K, H, W) or (B, K, H, W).

    Returns:
        locations (K, 2) or (B, K, 2) float32 (x, y) pixel indices, and values (K,) or (B, K).
        A heatmap whose maximum is <= 0 has no detection: its location is (-1, -1).
    """
    if heatmaps.ndim not in (3, 4):
        raise ValueError(f'heatmaps must be (K, H, W) or (B, K, H, W), got {heatmaps.shape}')
    H, W = heatmaps.shape[-2:]
    flat = heatmaps.reshape(*heatmaps.shape[:-2], H * W)
    index = np.argmax(flat, axis=-1)
    values = np.take_along_axis(flat, index[..., None], axis=-1)[..., 0]
    y_locs, x_locs = np.unravel_index(index, (H, W))
    locations = np.stack((x_locs, y_locs), axis=-1).astype(np.float32)
    locations[values <= 0.] = -1
    return locations, values
