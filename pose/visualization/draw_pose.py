"""Draw keypoints and skeletons on an image."""
from typing import Optional, Sequence

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
              thickness: int = 2) -> np.ndarray:
    """Draw every instance's skeleton links, then its keypoints, on a copy of ``image``.

    Args:
        image: (H, W, 3) uint8, BGR.
        keypoints: (N, K, 2) image pixels.
        scores: (N, K) or None; keypoints below ``score_thr`` and their links are not drawn.
        skeleton: pairs of keypoint indices.
        keypoint_colors: (K, 3) RGB; link_colors: (L, 3) RGB.

    Returns:
        (H, W, 3) uint8, BGR.
    """
    canvas = image.copy()
    if scores is None:
        scores = np.ones(keypoints.shape[:2], dtype=np.float32)
    for kpts, kpt_scores in zip(keypoints, scores):
        visible = kpt_scores >= score_thr
        for (a, b), color in zip(skeleton, link_colors):
            if visible[a] and visible[b]:
                cv2.line(canvas, _point(kpts[a]), _point(kpts[b]), _bgr(color), thickness,
                         cv2.LINE_AA)
        for kpt, ok, color in zip(kpts, visible, keypoint_colors):
            if ok:
                cv2.circle(canvas, _point(kpt), radius, _bgr(color), -1, cv2.LINE_AA)
    return canvas


def _point(xy: np.ndarray) -> tuple:
    return int(round(float(xy[0]))), int(round(float(xy[1])))


def _bgr(rgb: Sequence[int]) -> tuple:
    return int(rgb[2]), int(rgb[1]), int(rgb[0])
