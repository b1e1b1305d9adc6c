"""Undo a horizontal flip of the input on the predicted heatmaps."""
from typing import Sequence

from torch import Tensor


def flip_heatmaps(heatmaps: Tensor, flip_indices: Sequence[int], shift: bool = True) -> Tensor:
    """Mirror heatmaps predicted for a flipped input back to the original orientation.

    Args:
        heatmaps: (N, K, H, W) predicted from horizontally flipped inputs.
        flip_indices: for each keypoint, the index of its mirror keypoint (left <-> right).
        shift: shift the result one pixel to the right; the flipped feature maps are
            misaligned by one pixel with the original ones (the published test setting).

    Returns:
        (N, K, H, W) heatmaps aligned with the unflipped input.
    """
    flipped = heatmaps.flip(-1)[:, list(flip_indices)]
    if shift:
        flipped = flipped.clone()
        flipped[..., 1:] = flipped[..., :-1].clone()
    return flipped
