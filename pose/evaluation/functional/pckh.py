"""Helpers of the standard MPII PCKh protocol (Andriluka et al. 2014; the HRNet/mmpose code).

The normaliser is the head size: 0.6 times the diagonal of the annotated head box
(``SC_BIAS = 0.6``); pelvis (6) and thorax (7) are left out of the mean, and the mean over the
other joints is weighted by how many times each joint is visible.
"""
from typing import Dict

import numpy as np

# the MATLAB evaluation's scale between the head-box diagonal and the "head size"
MPII_SC_BIAS = 0.6

# MPII joint order: 0 r_ankle, 1 r_knee, 2 r_hip, 3 l_hip, 4 l_knee, 5 l_ankle, 6 pelvis,
# 7 thorax, 8 upper_neck, 9 head_top, 10 r_wrist, 11 r_elbow, 12 r_shoulder, 13 l_shoulder,
# 14 l_elbow, 15 l_wrist. Each reported part averages its left and right joints.
MPII_PARTS: Dict[str, tuple] = {
    'Head': (9, ),
    'Shoulder': (13, 12),
    'Elbow': (14, 11),
    'Wrist': (15, 10),
    'Hip': (3, 2),
    'Knee': (4, 1),
    'Ankle': (5, 0),
}
MPII_EXCLUDED_JOINTS = (6, 7)

# The threshold behind the published "Mean@0.1" (PCKh@0.1) of HRNet, mmpose 0.x and the
# Lite-HRNet tables: their evaluation reads row 11 of the sweep np.arange(0, 0.51, 0.01),
# which is 0.11 (``pckAll[11, :]`` in
# ``open-mmlab/mmpose@0.x:mmpose/datasets/datasets/top_down/topdown_mpii_dataset.py``).
# mmpose 1.x reads row 10, the true 0.1 (one reason why its own Mean@0.1 figures are lower).
MPII_PUBLISHED_PCKH01_THR = 0.11


def mpii_joint_pckh(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
                    head_size: np.ndarray, thr: float) -> np.ndarray:
    """PCKh in percent of each joint, as the MATLAB/HRNet/mmpose 0.x evaluation computes it.

    A visible joint is correct when its error divided by the head size is *at most* ``thr``
    (``<=``, where mmpose 1.x's ``keypoint_pck_accuracy`` uses ``<``).

    Args:
        pred: (N, K, 2) predictions, in the frame of ``gt``.
        gt: (N, K, 2) ground truth.
        mask: (N, K) visibility of the ground truth.
        head_size: (N,) head sizes (0.6 x head-box diagonal).
        thr: threshold in head sizes.

    Returns:
        (K,) float64 PCKh in percent; NaN for a joint never visible.
    """
    mask = np.asarray(mask, dtype=bool)
    err = np.linalg.norm(np.asarray(pred, np.float64) - np.asarray(gt, np.float64), axis=-1)
    with np.errstate(divide='ignore', invalid='ignore'):
        # a zero head size gives inf (or NaN): never correct, as in the original
        scaled = err / np.asarray(head_size, np.float64).reshape(-1, 1)
    correct = (scaled <= thr) & mask
    count = mask.sum(axis=0)
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(count > 0, 100.0 * correct.sum(axis=0) / count, np.nan)


def mpii_head_sizes(headboxes_src: np.ndarray, sc_bias: float = MPII_SC_BIAS) -> np.ndarray:
    """Head sizes from the head boxes of ``mpii_gt_val.mat``.

    Args:
        headboxes_src: (2, 2, N) as stored in the mat: [corner (top-left, bottom-right),
            xy, person].
        sc_bias: scale between the box diagonal and the head size.

    Returns:
        (N,) head sizes in pixels.
    """
    diagonal = headboxes_src[1, :, :] - headboxes_src[0, :, :]
    return np.linalg.norm(diagonal, axis=0) * sc_bias


def joint_ratio(jnt_count: np.ndarray) -> np.ndarray:
    """(16,) weights of the joints in the mean PCKh: visible counts, pelvis and thorax zeroed.

    Args:
        jnt_count: (16,) how many times each joint is visible in the evaluated set.
    """
    count = np.asarray(jnt_count, dtype=np.float64).copy()
    count[list(MPII_EXCLUDED_JOINTS)] = 0
    total = count.sum()
    return count / total if total > 0 else count


def mpii_part_scores(pckh: np.ndarray) -> Dict[str, float]:
    """Per-part PCKh (mean of left and right joints) from (16,) per-joint PCKh values."""
    return {part: float(np.mean([pckh[j] for j in joints])) for part, joints in MPII_PARTS.items()}


def weighted_mean_pckh(pckh: np.ndarray, jnt_count: np.ndarray) -> float:
    """Mean PCKh over joints weighted by their visible count, without pelvis and thorax.

    A joint that is never visible (PCKh -1 or NaN) has zero weight and is ignored.
    """
    ratio = joint_ratio(jnt_count)
    values = np.where(ratio > 0, np.asarray(pckh, dtype=np.float64), 0.0)
    return float(np.sum(values * ratio))
