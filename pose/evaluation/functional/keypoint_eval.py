"""PCK: the fraction of keypoints whose normalised error is below a threshold.

Conventions follow mmpose 1.x: N instances, K keypoints, D coordinates (D = 2); an invisible
keypoint (``mask`` False) or an instance with a zero normaliser is left out of the count.
"""
from typing import Tuple

import numpy as np


def normalized_distances(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
                         norm_factor: np.ndarray) -> np.ndarray:
    """Per-keypoint error divided by the instance's normaliser.

    Args:
        pred: (N, K, D) predicted coordinates.
        gt: (N, K, D) ground-truth coordinates.
        mask: (N, K) bool, True where the ground truth is valid.
        norm_factor: (N, D) normaliser per instance and axis (e.g. head size twice).

    Returns:
        (K, N) float32 distances, -1 where the keypoint is masked out or the instance's
        normaliser has a zero entry.
    """
    pred = np.asarray(pred, dtype=np.float64)
    gt = np.asarray(gt, dtype=np.float64)
    norm = np.asarray(norm_factor, dtype=np.float64).reshape(pred.shape[0], -1)
    valid = np.asarray(mask, dtype=bool) & np.all(norm > 0, axis=1, keepdims=True)
    # a copy with safe divisors, so that the caller's normaliser is never modified
    safe_norm = np.where(norm > 0, norm, 1.0)
    dist = np.linalg.norm((pred - gt) / safe_norm[:, None, :], axis=-1)
    return np.where(valid, dist, -1.0).astype(np.float32).T


def distance_accuracy(distances: np.ndarray, thr: float) -> float:
    """Fraction of the valid (!= -1) distances below ``thr``; -1 when none is valid.

    The comparison is strict (``<``), as in mmpose; the MATLAB MPII code uses ``<=``, which
    only differs on exact ties.
    """
    valid = distances != -1
    if not valid.any():
        return -1.0
    return float((distances[valid] < thr).mean())


def keypoint_pck_accuracy(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray, thr: float,
                          norm_factor: np.ndarray) -> Tuple[np.ndarray, float, int]:
    """PCK of each keypoint and their average.

    Args:
        pred: (N, K, D) predicted coordinates.
        gt: (N, K, D) ground-truth coordinates.
        mask: (N, K) bool visibility of the ground truth.
        thr: threshold on the normalised distance (e.g. 0.05 for PCK, 0.5 for PCKh).
        norm_factor: (N, D) normaliser per instance.

    Returns:
        acc: (K,) accuracy in [0, 1] per keypoint, -1 for a keypoint never visible.
        avg_acc: mean of the non-negative entries of ``acc`` (0.0 when there is none).
        cnt: number of keypoints that entered ``avg_acc``.
    """
    distances = normalized_distances(pred, gt, mask, norm_factor)
    acc = np.array([distance_accuracy(d, thr) for d in distances])
    valid_acc = acc[acc >= 0]
    cnt = len(valid_acc)
    avg_acc = float(valid_acc.mean()) if cnt > 0 else 0.0
    return acc, avg_acc, cnt
