"""The MSRA (SimpleBaseline/HRNet) Gaussian heatmap codec, optionally with DARK."""
from typing import Optional, Tuple

import numpy as np

from pose.registry import KEYPOINT_CODECS
from .base import BaseKeypointCodec
from .utils import (generate_gaussian_heatmaps, generate_unbiased_gaussian_heatmaps,
                    get_heatmap_maximum, refine_keypoints, refine_keypoints_dark)


@KEYPOINT_CODECS.register_module()
class MSRAHeatmap(BaseKeypointCodec):
    """Gaussian heatmaps at ``keypoint / scale_factor`` with scale_factor = input / heatmap.

    Args:
        input_size: (w, h) of the network input, e.g. (192, 256).
        heatmap_size: (w, h) of the heatmaps, e.g. (48, 64).
        sigma: Gaussian std in heatmap pixels.
        unbiased: DARK (Zhang et al. 2020): encode at the sub-pixel position and decode with
            Gaussian modulation + Taylor refinement, instead of the rounded Gaussian and the
            quarter-pixel shift.
        blur_kernel_size: modulation kernel of DARK decoding; 11 suits sigma 2.
    """

    def __init__(self, input_size: Tuple[int, int], heatmap_size: Tuple[int, int], sigma: float,
                 unbiased: bool = False, blur_kernel_size: int = 11) -> None:
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.sigma = sigma
        self.unbiased = unbiased
        self.blur_kernel_size = blur_kernel_size
        self.scale_factor = (np.array(input_size, dtype=np.float32)
                             / np.array(heatmap_size, dtype=np.float32))

    def encode(self, keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Render the targets of one instance.

        Args:
            keypoints: (1, K, 2) in input pixels.
            keypoints_visible: (1, K); all visible when None.

        Returns:
            dict(heatmaps=(K, H, W) float32, keypoint_weights=(1, K) float32); a weight is 0
            when the keypoint is unlabelled or its Gaussian lies outside the heatmap.
        """
        if keypoints.shape[0] != 1:
            raise ValueError(f'{type(self).__name__} encodes one instance, got keypoints of '
                             f'shape {keypoints.shape}')
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)
        generate = (generate_unbiased_gaussian_heatmaps if self.unbiased
                    else generate_gaussian_heatmaps)
        heatmaps, keypoint_weights = generate(self.heatmap_size, keypoints / self.scale_factor,
                                              keypoints_visible, self.sigma)
        return dict(heatmaps=heatmaps, keypoint_weights=keypoint_weights)

    def decode(self, encoded: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Decode one sample's heatmaps.

        Args:
            encoded: (K, H, W) heatmaps.

        Returns:
            keypoints (1, K, 2) float32 in input pixels and scores (1, K) (heatmap maxima).
        """
        heatmaps = np.asarray(encoded, dtype=np.float32)
        keypoints, scores = get_heatmap_maximum(heatmaps)
        keypoints, scores = keypoints[None], scores[None]
        if self.unbiased:
            keypoints = refine_keypoints_dark(keypoints, heatmaps, self.blur_kernel_size)
        else:
            keypoints = refine_keypoints(keypoints, heatmaps)
        return keypoints * self.scale_factor, scores
