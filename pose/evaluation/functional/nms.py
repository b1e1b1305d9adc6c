"""Pose-level non-maximum suppression by OKS, hard and soft (as in HRNet and mmpose).

Top-down evaluation crops one person per detected box, so several boxes on the same person
give near-identical poses; these functions keep the best-scored one of each group.
Each entry of ``kpts_db`` is a dict with ``keypoints`` (K, 3) ``[x, y, score]``, ``score``
(the instance score) and ``area``.
"""
from typing import List, Optional

import numpy as np

from .oks import oks_iou


def _unpack(kpts_db: List[dict], score_per_joint: bool) -> tuple:
    """Stack the instances into (N,) scores, (N, K*3) keypoints and (N,) areas."""
    if score_per_joint:
        scores = np.array([np.mean(k['score']) for k in kpts_db], dtype=np.float64)
    else:
        scores = np.array([k['score'] for k in kpts_db], dtype=np.float64)
    kpts = np.array([np.asarray(k['keypoints']).reshape(-1) for k in kpts_db])
    areas = np.array([k['area'] for k in kpts_db], dtype=np.float64)
    return scores, kpts, areas


def oks_nms(kpts_db: List[dict],
            thr: float,
            sigmas: Optional[np.ndarray] = None,
            vis_thr: Optional[float] = None,
            score_per_joint: bool = False) -> np.ndarray:
    """Greedy OKS-NMS: keep the best pose, drop those with OKS > ``thr`` to it, repeat.

    Args:
        kpts_db: the instances of one image (see the module docstring).
        thr: OKS above which a lower-scored pose is suppressed (0.9 in HRNet/Lite-HRNet).
        sigmas: (K,) OKS sigmas; COCO's when None.
        vis_thr: see :func:`oks_iou`.
        score_per_joint: ``score`` holds per-keypoint scores, to be averaged.

    Returns:
        (M,) int indices into ``kpts_db`` of the kept instances, best first.
    """
    if len(kpts_db) == 0:
        return np.zeros(0, dtype=np.intp)
    scores, kpts, areas = _unpack(kpts_db, score_per_joint)
    # a stable sort on the negated score keeps ties in input order
    order = np.argsort(-scores, kind='stable')
    keep = []
    while len(order) > 0:
        i = order[0]
        keep.append(i)
        ovr = oks_iou(kpts[i], kpts[order[1:]], areas[i], areas[order[1:]], sigmas, vis_thr)
        order = order[1:][ovr <= thr]
    return np.array(keep, dtype=np.intp)


def _gaussian_rescore(overlap: np.ndarray, scores: np.ndarray, thr: float) -> np.ndarray:
    """Soft-NMS decay: ``score * exp(-oks^2 / thr)`` (the Gaussian form mmpose uses)."""
    return scores * np.exp(-overlap**2 / thr)


def soft_oks_nms(kpts_db: List[dict],
                 thr: float,
                 max_dets: int = 20,
                 sigmas: Optional[np.ndarray] = None,
                 vis_thr: Optional[float] = None,
                 score_per_joint: bool = False) -> np.ndarray:
    """Soft OKS-NMS: instead of dropping overlapping poses, decay their scores.

    Args:
        kpts_db: the instances of one image (see the module docstring).
        thr: the Gaussian width of the decay.
        max_dets: at most this many instances are kept.
        sigmas, vis_thr, score_per_joint: as in :func:`oks_nms`.

    Returns:
        (M,) int indices into ``kpts_db``, M <= max_dets, in the order they were picked.
        As in mmpose, the decayed scores only decide the order; they are not returned, so a
        caller that writes the instances' own scores gets a top-``max_dets`` selection.
    """
    if len(kpts_db) == 0:
        return np.zeros(0, dtype=np.intp)
    scores, kpts, areas = _unpack(kpts_db, score_per_joint)
    order = np.argsort(-scores, kind='stable')
    scores = scores[order]
    keep = []
    while len(order) > 0 and len(keep) < max_dets:
        i = order[0]
        keep.append(i)
        ovr = oks_iou(kpts[i], kpts[order[1:]], areas[i], areas[order[1:]], sigmas, vis_thr)
        order, scores = order[1:], _gaussian_rescore(ovr, scores[1:], thr)
        resort = np.argsort(-scores, kind='stable')
        order, scores = order[resort], scores[resort]
    return np.array(keep, dtype=np.intp)
