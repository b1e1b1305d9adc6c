"""Half-body augmentation: sometimes crop only the upper or the lower body."""
from typing import List, Optional, Sequence, Tuple

import numpy as np

from pose.registry import TRANSFORMS
from .base import BaseTransform


@TRANSFORMS.register_module()
class RandomHalfBody(BaseTransform):
    """Replace an instance's box by the box of its visible upper- or lower-body keypoints.

    Applied with probability ``prob`` to instances with at least ``min_total_keypoints``
    visible keypoints. Reads ``upper_body_ids`` / ``lower_body_ids`` from the results
    (dataset metainfo); writes ``bbox_center`` and ``bbox_scale`` (N, 2). The new box's
    aspect ratio is fixed later by TopdownAffine.

    Args:
        min_total_keypoints: visible keypoints an instance needs to be eligible.
        min_upper_keypoints: visible upper-body keypoints needed to pick the upper half.
        min_lower_keypoints: visible lower-body keypoints needed to pick the lower half.
        padding: scale of the half-body box relative to its keypoints' extent.
        prob: probability of the augmentation for an eligible instance.
        upper_prioritized_prob: probability of choosing the upper half when both qualify.
    """

    def __init__(self, min_total_keypoints: int = 9, min_upper_keypoints: int = 2,
                 min_lower_keypoints: int = 3, padding: float = 1.5, prob: float = 0.3,
                 upper_prioritized_prob: float = 0.7) -> None:
        self.min_total_keypoints = min_total_keypoints
        self.min_upper_keypoints = min_upper_keypoints
        self.min_lower_keypoints = min_lower_keypoints
        self.padding = padding
        self.prob = prob
        self.upper_prioritized_prob = upper_prioritized_prob

    def _select_half(self, visible: np.ndarray, upper_ids: Sequence[int],
                     lower_ids: Sequence[int]) -> Optional[List[int]]:
        """Keypoint ids of the chosen half of one instance, or None to keep its box."""
        if visible.sum() < self.min_total_keypoints or np.random.rand() > self.prob:
            return None
        upper = [i for i in upper_ids if visible[i] > 0]
        lower = [i for i in lower_ids if visible[i] > 0]
        upper_ok = len(upper) >= self.min_upper_keypoints
        lower_ok = len(lower) >= self.min_lower_keypoints
        # drawn even when one half is forced, so the random stream matches mmpose's
        prefer_upper = np.random.rand() < self.upper_prioritized_prob
        if upper_ok and lower_ok:
            return upper if prefer_upper else lower
        if upper_ok or lower_ok:
            return upper if upper_ok else lower
        return None

    def _half_body_box(self, keypoints: np.ndarray,
                       ids: List[int]) -> Tuple[np.ndarray, np.ndarray]:
        """Center (mean of the keypoints) and padded extent (w, h) of (K, 2) ``keypoints[ids]``."""
        selected = keypoints[ids]
        center = selected.mean(axis=0)
        scale = (selected.max(axis=0) - selected.min(axis=0)) * self.padding
        return center.astype(np.float32), scale.astype(np.float32)

    def transform(self, results: dict) -> dict:
        centers = np.array(results['bbox_center'], dtype=np.float32, copy=True)
        scales = np.array(results['bbox_scale'], dtype=np.float32, copy=True)
        for i, visible in enumerate(results['keypoints_visible']):
            ids = self._select_half(visible, results['upper_body_ids'],
                                    results['lower_body_ids'])
            if ids is not None:
                centers[i], scales[i] = self._half_body_box(results['keypoints'][i], ids)
        results['bbox_center'], results['bbox_scale'] = centers, scales
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(min_total_keypoints={self.min_total_keypoints}, '
                f'min_upper_keypoints={self.min_upper_keypoints}, '
                f'min_lower_keypoints={self.min_lower_keypoints}, padding={self.padding}, '
                f'prob={self.prob}, upper_prioritized_prob={self.upper_prioritized_prob})')
