"""Object Keypoint Similarity (OKS) between one pose and a set of poses.

OKS is COCO's keypoint analogue of box IoU: a Gaussian of each keypoint's distance, scaled by
the object's area and a per-keypoint labelling uncertainty ``sigma``, averaged over keypoints.
"""
from typing import Optional

import numpy as np

# COCO's 17 per-keypoint sigmas (nose, eyes, ears, shoulders, elbows, wrists, hips, knees,
# ankles); the default when no dataset sigmas are given, as in HRNet and mmpose.
COCO_SIGMAS = np.array([
    .26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87, .89, .89
]) / 10.0


def oks_iou(g: np.ndarray,
            d: np.ndarray,
            a_g: float,
            a_d: np.ndarray,
            sigmas: Optional[np.ndarray] = None,
            vis_thr: Optional[float] = None) -> np.ndarray:
    """OKS of one pose ``g`` against each pose in ``d``.

    Args:
        g: (K*3,) flattened ``[x, y, v]`` triplets of the reference pose; ``v`` is a
            visibility or a keypoint score, used only when ``vis_thr`` is given.
        d: (N, K*3) the other poses, same layout.
        a_g: area of the reference object.
        a_d: (N,) areas of the other objects.
        sigmas: (K,) per-keypoint sigmas; COCO's when None.
        vis_thr: when given, only keypoints with ``v > vis_thr`` in both poses count.

    Returns:
        (N,) float32 OKS values in [0, 1]; 0 for a pair with no keypoint left to compare.
    """
    sigmas = COCO_SIGMAS if sigmas is None else np.asarray(sigmas, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64).reshape(-1)
    # reshape by g's length so that an empty ``d`` (the last pose in NMS) works
    d = np.asarray(d, dtype=np.float64).reshape(-1, len(g))
    variances = (sigmas * 2)**2
    dx = d[:, 0::3] - g[0::3]
    dy = d[:, 1::3] - g[1::3]
    # the mean of both areas is the scale, as in HRNet; spacing(1) guards a zero area
    scale = (a_g + np.asarray(a_d, dtype=np.float64)) / 2 + np.spacing(1)
    e = (dx**2 + dy**2) / variances / scale[:, None] / 2
    if vis_thr is None:
        valid = np.ones_like(e, dtype=bool)
    else:
        valid = (g[2::3] > vis_thr)[None] & (d[:, 2::3] > vis_thr)
    num_valid = valid.sum(axis=1)
    total = np.where(valid, np.exp(-e), 0.0).sum(axis=1)
    ious = np.where(num_valid > 0, total / np.maximum(num_valid, 1), 0.0)
    return ious.astype(np.float32)
