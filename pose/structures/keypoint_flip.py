"""Mirroring keypoints together with their left/right labels."""
from typing import Optional, Sequence, Tuple

import numpy as np


def flip_keypoints(keypoints: np.ndarray, keypoints_visible: Optional[np.ndarray],
                   image_size: Tuple[int, int], flip_indices: Sequence[int],
                   direction: str = 'horizontal') -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Flip keypoints in an image of ``image_size`` = (w, h) and swap left/right joints.

    Args:
        keypoints: (N, K, 2) in image pixels.
        keypoints_visible: (N, K) or None.
        image_size: (w, h) of the image being flipped.
        flip_indices: (K,) index of each keypoint's mirror partner (itself if unpaired).
        direction: 'horizontal', 'vertical' or 'diagonal'. A diagonal flip (180 degree
            rotation) keeps the left/right labels.

    Returns:
        Flipped keypoints (N, K, 2) and visibility (N, K) (or None). Pixel ``i`` goes to
        ``w - 1 - i``, matching ``cv2.flip`` of the image, so flipping twice is the identity.
    """
    if direction not in ('horizontal', 'vertical', 'diagonal'):
        raise ValueError(f'Unknown flip direction {direction!r}')
    if len(flip_indices) != keypoints.shape[-2]:
        raise ValueError(f'flip_indices has {len(flip_indices)} entries but the keypoints have '
                         f'{keypoints.shape[-2]}')
    if keypoints_visible is not None and keypoints.shape[:-1] != keypoints_visible.shape:
        raise ValueError(f'keypoints {keypoints.shape} and keypoints_visible '
                         f'{keypoints_visible.shape} do not match')
    if direction in ('horizontal', 'vertical'):
        # a mirror turns the left wrist into a right wrist: relabel before moving
        keypoints = keypoints.take(flip_indices, axis=-2)
        if keypoints_visible is not None:
            keypoints_visible = keypoints_visible.take(flip_indices, axis=-1)
    else:
        keypoints = keypoints.copy()
    w, h = image_size
    if direction in ('horizontal', 'diagonal'):
        keypoints[..., 0] = w - 1 - keypoints[..., 0]
    if direction in ('vertical', 'diagonal'):
        keypoints[..., 1] = h - 1 - keypoints[..., 1]
    return keypoints, keypoints_visible
