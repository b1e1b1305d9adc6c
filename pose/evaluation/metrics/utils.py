"""Small conversions shared by the metrics."""
import numpy as np


def to_numpy(value) -> np.ndarray:
    """A float64 ndarray from a numpy array, a list or a (CPU or GPU) tensor."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def visible_mask(gt_instances: dict, num_instances: int) -> np.ndarray:
    """(N, K) bool visibility from ``keypoints_visible`` stored as (N, K) or (N, K, 1).

    Visibility may be a 0/1/2 flag or a soft weight; anything above 0 counts as visible.
    """
    return to_numpy(gt_instances['keypoints_visible']).reshape(num_instances, -1) > 0
