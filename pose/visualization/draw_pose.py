"""Draw keypoints and skeletons on an image."""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np


def draw_pose(image: np.ndarray,
              keypoints: np.ndarray,
              scores: Optional[np.ndarray],
              skeleton: Sequence[Sequence[int]],
              keypoint_colors: np.ndarray,
              link_colors: np.ndarray,
              score_thr: float = 0.3,
              radius: int = 3,
              thickness: int = 2,
              faded_alpha: Optional[float] = None) -> np.ndarray:
    """Draw every instance's skeleton links, then its keypoints, on a copy of ``image``.

    Args:
        image: (H, W, 3) uint8, BGR.
        keypoints: (N, K, 2) image pixels.
        scores: (N, K) or None; keypoints below ``score_thr`` and their links are not drawn,
            or, with ``faded_alpha``, drawn first and blended in at that opacity (so that a
            reader sees where the model puts its unsure keypoints).
        skeleton: pairs of keypoint indices.
        keypoint_colors: (K, 3) RGB; link_colors: (L, 3) RGB.
        radius, thickness: pixels (see :func:`scaled_sizes` for sizes that suit an image).

    Returns:
        (H, W, 3) uint8, BGR.
    """
    canvas = image.copy()
    if scores is None:
        scores = np.ones(keypoints.shape[:2], dtype=np.float32)
    confident = [kpt_scores >= score_thr for kpt_scores in scores]
    if faded_alpha is not None:
        unsure = canvas.copy()
        for kpts, ok in zip(keypoints, confident):
            _draw_instance(unsure, kpts, ~ok, np.ones_like(ok), skeleton, keypoint_colors,
                           link_colors, radius, thickness)
        canvas = cv2.addWeighted(unsure, faded_alpha, canvas, 1 - faded_alpha, 0)
    for kpts, ok in zip(keypoints, confident):
        _draw_instance(canvas, kpts, ok, ok, skeleton, keypoint_colors, link_colors, radius,
                       thickness)
    return canvas


def scaled_sizes(height: int, width: int) -> Tuple[int, int]:
    """(radius, thickness) in pixels that read alike at any image size: draw_pose's defaults
    (3, 2) on a 480-pixel short side, in proportion elsewhere, at least (2, 1)."""
    scale = min(height, width) / 480
    return max(2, round(3 * scale)), max(1, round(2 * scale))


def _draw_instance(canvas: np.ndarray, kpts: np.ndarray, drawn: np.ndarray,
                   link_ends: np.ndarray, skeleton: Sequence[Sequence[int]],
                   keypoint_colors: np.ndarray, link_colors: np.ndarray, radius: int,
                   thickness: int) -> None:
    """Draw, in place, the keypoints where ``drawn`` and the links touching a drawn keypoint
    whose both ends are in ``link_ends``."""
    for (a, b), color in zip(skeleton, link_colors):
        if (drawn[a] or drawn[b]) and link_ends[a] and link_ends[b]:
            cv2.line(canvas, _point(kpts[a]), _point(kpts[b]), _bgr(color), thickness,
                     cv2.LINE_AA)
    for kpt, ok, color in zip(kpts, drawn, keypoint_colors):
        if ok:
            cv2.circle(canvas, _point(kpt), radius, _bgr(color), -1, cv2.LINE_AA)


def _point(xy: np.ndarray) -> tuple:
    return int(round(float(xy[0]))), int(round(float(xy[1])))


def _bgr(rgb: Sequence[int]) -> tuple:
    return int(rgb[2]), int(rgb[1]), int(rgb[0])
