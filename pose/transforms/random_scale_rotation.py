"""Random scaling and rotation of the crop with clipped normal draws (HRNet / mmpose 0.x)."""
import numpy as np
from mmcv.transforms import BaseTransform

from pose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomScaleRotation(BaseTransform):
    """Scale ``bbox_scale`` (N, 2) and set ``bbox_rotation`` (N,) degrees, per instance.

    The sampling of HRNet and mmpose 0.x's ``TopDownGetRandomScaleRotation``, with which the
    published Lite-HRNet models were trained
    (``HRNet/Lite-HRNet:configs/top_down/lite_hrnet/coco/litehrnet_18_coco_256x192.py``,
    ``open-mmlab/mmpose@0.x:mmpose/datasets/pipelines/top_down_transform.py``):

    - scale factor ``clip(1 + scale_sigma * z1, 1 - scale_limit, 1 + scale_limit)``, always;
    - rotation ``clip(rotate_sigma * z2, -rotate_limit, rotate_limit)`` with probability
      ``rotate_prob`` (``u <= rotate_prob``), else 0;

    with z1, z2 standard normal and u uniform in [0, 1), drawn from numpy's global generator
    in that order for each instance (for one instance, the original's stream draw for draw).
    The normal is *clipped*, not truncated: with the recipe's sigma = limit = 0.25 a third of
    the crops sit exactly at 0.75 or 1.25 (scale std 0.180, rotation std 28.8 deg when
    applied). :class:`RandomBBoxTransform` keeps mmpose 1.x's truncated normals instead.

    Args:
        scale_sigma: standard deviation of the scale factor around 1 (the original's
            ``scale_factor``).
        scale_limit: largest deviation of the scale factor from 1; the original clips at
            one sigma, so it equals ``scale_sigma`` in its recipes.
        rotate_sigma: standard deviation of the rotation in degrees (``rot_factor``).
        rotate_limit: largest rotation in degrees; the original clips at two sigma.
        rotate_prob: probability of rotating an instance (``rot_prob``).
    """

    def __init__(self, scale_sigma: float = 0.25, scale_limit: float = 0.25,
                 rotate_sigma: float = 30.0, rotate_limit: float = 60.0,
                 rotate_prob: float = 0.6) -> None:
        if scale_sigma < 0 or rotate_sigma < 0:
            raise ValueError(f'scale_sigma and rotate_sigma must be >= 0, got {scale_sigma} '
                             f'and {rotate_sigma}')
        if not 0 <= scale_limit < 1:
            raise ValueError(f'scale_limit must be in [0, 1) so that the crop keeps a '
                             f'positive size, got {scale_limit}')
        if rotate_limit < 0:
            raise ValueError(f'rotate_limit must be >= 0, got {rotate_limit}')
        if not 0 <= rotate_prob <= 1:
            raise ValueError(f'rotate_prob must be in [0, 1], got {rotate_prob}')
        self.scale_sigma = scale_sigma
        self.scale_limit = scale_limit
        self.rotate_sigma = rotate_sigma
        self.rotate_limit = rotate_limit
        self.rotate_prob = rotate_prob

    def _sample(self, num_bboxes: int) -> np.ndarray:
        """(N, 3) draws per instance: scale normal, rotation normal, rotation uniform.

        Drawn instance after instance, so that one instance consumes the generator exactly as
        one call of the original does (randn, randn, rand).
        """
        draws = np.empty((num_bboxes, 3))
        for i in range(num_bboxes):
            draws[i] = np.random.randn(), np.random.randn(), np.random.rand()
        return draws

    def transform(self, results: dict) -> dict:
        bbox_scale = np.asarray(results['bbox_scale'], dtype=np.float32)
        draws = self._sample(bbox_scale.shape[0])
        scale = np.clip(1. + self.scale_sigma * draws[:, 0], 1. - self.scale_limit,
                        1. + self.scale_limit)
        rotate = np.clip(self.rotate_sigma * draws[:, 1], -self.rotate_limit, self.rotate_limit)
        rotate = np.where(draws[:, 2] <= self.rotate_prob, rotate, 0.)
        results['bbox_scale'] = (bbox_scale * scale[:, None]).astype(np.float32)
        results['bbox_rotation'] = rotate.astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(scale_sigma={self.scale_sigma}, '
                f'scale_limit={self.scale_limit}, rotate_sigma={self.rotate_sigma}, '
                f'rotate_limit={self.rotate_limit}, rotate_prob={self.rotate_prob})')
