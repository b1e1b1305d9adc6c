"""Random mirroring of the image and its annotations."""
import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from pose.registry import TRANSFORMS
from pose.structures import flip_bbox, flip_keypoints

_CV2_FLIP_CODES = {'horizontal': 1, 'vertical': 0, 'diagonal': -1}


@TRANSFORMS.register_module()
class RandomFlip(BaseTransform):
    """Flip the image, ``bbox``, ``bbox_center``, keypoints and ``person_mask`` (when
    present) with probability ``prob``.

    Left/right keypoints swap labels through ``results['flip_indices']`` (from the dataset
    metainfo). Sets ``flip`` (bool) and ``flip_direction`` (str or None). Use it before
    TopdownAffine, on the full image.

    Args:
        prob: probability of flipping.
        direction: 'horizontal', 'vertical' or 'diagonal'.
    """

    def __init__(self, prob: float = 0.5, direction: str = 'horizontal') -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        if direction not in _CV2_FLIP_CODES:
            raise ValueError(f'direction must be one of {sorted(_CV2_FLIP_CODES)}, got '
                             f'{direction!r}')
        self.prob = prob
        self.direction = direction

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            results['flip'], results['flip_direction'] = False, None
            return results
        results['flip'], results['flip_direction'] = True, self.direction
        h, w = results['img'].shape[:2]
        results['img'] = cv2.flip(results['img'], _CV2_FLIP_CODES[self.direction])
        if results.get('person_mask') is not None:
            results['person_mask'] = cv2.flip(results['person_mask'],
                                              _CV2_FLIP_CODES[self.direction])
        if results.get('bbox') is not None:
            results['bbox'] = flip_bbox(results['bbox'], (w, h), 'xyxy', self.direction)
        if results.get('bbox_center') is not None:
            results['bbox_center'] = flip_bbox(results['bbox_center'], (w, h), 'center',
                                               self.direction)
        if results.get('keypoints') is not None:
            results['keypoints'], results['keypoints_visible'] = flip_keypoints(
                results['keypoints'], results.get('keypoints_visible'), (w, h),
                results['flip_indices'], self.direction)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(prob={self.prob}, direction={self.direction!r})'
