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
