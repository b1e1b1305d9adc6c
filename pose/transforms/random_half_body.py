"""Half-body augmentation: sometimes crop only the upper or the lower body."""
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from pose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomHalfBody(BaseTransform):
    """Replace an instance's box by the box of its visible upper- or lower-body keypoints.

    Applied with probability ``prob`` to instances with at least ``min_total_keypoints``
    visible keypoints. Reads ``upper_body_ids`` / ``lower_body_ids`` from the results
    (dataset metainfo); writes ``bbox_center`` and ``bbox_scale`` (N, 2). The new box's
    aspect ratio is fixed later by TopdownAffine.

    Which half, by ``selection``:

    - ``'prioritized'`` (mmpose 1.x ``RandomHalfBody``): when both halves have enough visible
      keypoints, the upper one with probability ``upper_prioritized_prob`` (default 0.7);
      when only one has, that one; else the box is kept.
    - ``'upper_first'`` (HRNet and mmpose 0.x ``TopDownHalfBodyTransform``, with which the
      published Lite-HRNet models were trained;
      ``open-mmlab/mmpose@0.x:mmpose/datasets/pipelines/top_down_transform.py``): the upper
      half if a standard normal draw is below 0.5 (the original's ``np.random.randn() <
      0.5``, probability Phi(0.5) = 0.691) and it has at least ``min_upper_keypoints``; else
      the lower half if it has at least ``min_lower_keypoints``; else the upper half, kept
      only with 2 or more keypoints. As in the original, every keypoint outside
      ``upper_body_ids`` counts as lower body. The recipe's ``num_joints_half_body=8``
      (more than 8 visible) is ``min_total_keypoints=9``, and its "more than 2" per half is
      ``min_upper_keypoints=min_lower_keypoints=3``.

    Args:
        min_total_keypoints: visible keypoints an instance needs to be eligible.
        min_upper_keypoints: visible upper-body keypoints needed to pick the upper half.
        min_lower_keypoints: visible lower-body keypoints needed to pick the lower half.
        padding: scale of the half-body box relative to its keypoints' extent.
        prob: probability of the augmentation for an eligible instance.
        upper_prioritized_prob: ``'prioritized'`` only: probability of choosing the upper
            half when both qualify; 0.7 when None.
        selection: ``'prioritized'`` or ``'upper_first'``, see above.
    """

    SELECTIONS = ('prioritized', 'upper_first')

    def __init__(self, min_total_keypoints: int = 9, min_upper_keypoints: int = 2,
                 min_lower_keypoints: int = 3, padding: float = 1.5, prob: float = 0.3,
                 upper_prioritized_prob: Optional[float] = None,
                 selection: str = 'prioritized') -> None:
        if selection not in self.SELECTIONS:
            raise ValueError(f'selection must be one of {self.SELECTIONS}, got {selection!r}')
        if selection == 'upper_first' and upper_prioritized_prob is not None:
            # the original's rule has no such parameter: silently ignoring it would mislead
            raise ValueError("upper_prioritized_prob applies to selection='prioritized' only; "
                             "'upper_first' prefers the upper half with probability Phi(0.5)")
        self.min_total_keypoints = min_total_keypoints
        self.min_upper_keypoints = min_upper_keypoints
        self.min_lower_keypoints = min_lower_keypoints
        self.padding = padding
        self.prob = prob
        self.selection = selection
        self.upper_prioritized_prob = (0.7 if upper_prioritized_prob is None
                                       and selection == 'prioritized' else
                                       upper_prioritized_prob)

    def _select_half(self, visible: np.ndarray, upper_ids: Sequence[int],
                     lower_ids: Sequence[int]) -> Optional[List[int]]:
        """Keypoint ids of the chosen half of one instance, or None to keep its box."""
        if visible.sum() < self.min_total_keypoints or np.random.rand() > self.prob:
            return None
        if self.selection == 'upper_first':
            return self._select_upper_first(visible, upper_ids)
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

    def _select_upper_first(self, visible: np.ndarray,
                            upper_ids: Sequence[int]) -> Optional[List[int]]:
        """The original's choice (see the class docstring), drawing as it does."""
        upper_set = set(int(i) for i in upper_ids)
        upper = [i for i in range(len(visible)) if visible[i] > 0 and i in upper_set]
        lower = [i for i in range(len(visible)) if visible[i] > 0 and i not in upper_set]
        # the normal is drawn first, whatever the counts, as ``randn() < 0.5 and ...`` does
        if np.random.randn() < 0.5 and len(upper) >= self.min_upper_keypoints:
            selected = upper
        elif len(lower) >= self.min_lower_keypoints:
            selected = lower
        else:
            selected = upper
        # two keypoints at least span a box
        return selected if len(selected) >= 2 else None

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
                f'prob={self.prob}, upper_prioritized_prob={self.upper_prioritized_prob}, '
                f'selection={self.selection!r})')
