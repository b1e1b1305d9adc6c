"""Random shift, scaling and rotation of the person box (the crop)."""
from typing import Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from pose.registry import TRANSFORMS


def truncated_normal(size: Tuple[int, ...], low: float = -1., high: float = 1.) -> np.ndarray:
    """Standard normal samples restricted to [low, high] (rejection sampling), float32.

    Replaces ``scipy.stats.truncnorm.rvs(low, high)``; draws from ``np.random`` so that
    mmengine's seeding (and per-worker seeds) apply.
    """
    samples = np.random.standard_normal(size)
    outside = (samples < low) | (samples > high)
    while outside.any():
        samples[outside] = np.random.standard_normal(int(outside.sum()))
        outside = (samples < low) | (samples > high)
    return samples.astype(np.float32)


@TRANSFORMS.register_module()
class RandomBBoxTransform(BaseTransform):
    """Jitter ``bbox_center``, ``bbox_scale`` (N, 2) and set ``bbox_rotation`` (N,) degrees.

    Each factor is a truncated normal in [-1, 1] scaled to its range, applied with its own
    probability (as mmpose 1.x; the published Lite-HRNet recipe sampled differently, with
    clipped normals: see :class:`RandomScaleRotation`):

    - shift: center += v * shift_factor * scale, v ~ TN per axis;
    - scale: scale *= mu + v * sigma for scale_factor = (mu - sigma, mu + sigma);
    - rotation: v * rotate_factor degrees.

    Args:
        shift_factor: maximum shift as a fraction of the box size.
        shift_prob: probability of shifting.
        scale_factor: (min, max) scaling.
        scale_prob: probability of scaling.
        rotate_factor: maximum rotation in degrees.
        rotate_prob: probability of rotating.
    """

    def __init__(self, shift_factor: float = 0.16, shift_prob: float = 0.3,
                 scale_factor: Tuple[float, float] = (0.75, 1.25), scale_prob: float = 1.0,
                 rotate_factor: float = 80.0, rotate_prob: float = 0.6) -> None:
        self.shift_factor = shift_factor
        self.shift_prob = shift_prob
        self.scale_factor = tuple(scale_factor)
        self.scale_prob = scale_prob
        self.rotate_factor = rotate_factor
        self.rotate_prob = rotate_prob

    def _sample(self, num_bboxes: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Offsets (N, 2) in box sizes, scalings (N, 1) and rotations (N,) in degrees."""
        values = truncated_normal((num_bboxes, 4))
        offset = values[:, :2] * self.shift_factor
        offset = np.where(np.random.rand(num_bboxes, 1) < self.shift_prob, offset, 0.)
        scale_min, scale_max = self.scale_factor
        scale = values[:, 2:3] * (scale_max - scale_min) * 0.5 + (scale_max + scale_min) * 0.5
        scale = np.where(np.random.rand(num_bboxes, 1) < self.scale_prob, scale, 1.)
        rotate = values[:, 3] * self.rotate_factor
        rotate = np.where(np.random.rand(num_bboxes) < self.rotate_prob, rotate, 0.)
        return offset, scale, rotate

    def transform(self, results: dict) -> dict:
        bbox_scale = results['bbox_scale']
        offset, scale, rotate = self._sample(bbox_scale.shape[0])
        results['bbox_center'] = (results['bbox_center'] + offset * bbox_scale).astype(np.float32)
        results['bbox_scale'] = (bbox_scale * scale).astype(np.float32)
        results['bbox_rotation'] = rotate.astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(shift_factor={self.shift_factor}, '
                f'shift_prob={self.shift_prob}, scale_factor={self.scale_factor}, '
                f'scale_prob={self.scale_prob}, rotate_factor={self.rotate_factor}, '
                f'rotate_prob={self.rotate_prob})')
