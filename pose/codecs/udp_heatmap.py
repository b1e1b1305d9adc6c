"""The UDP (unbiased data processing, Huang et al. 2020) Gaussian heatmap codec."""
from typing import Optional, Tuple

import numpy as np

from pose.registry import KEYPOINT_CODECS
from .base import BaseKeypointCodec
from .utils import generate_udp_gaussian_heatmaps, get_heatmap_maximum, refine_keypoints_dark_udp


@KEYPOINT_CODECS.register_module()
class UDPHeatmap(BaseKeypointCodec):
    """Gaussian heatmaps on UDP's grid, where pixel centres 0 and size - 1 of the input and of
    the heatmap coincide: scale_factor = (input_size - 1) / (heatmap_size - 1).

    Pair it with ``TopdownAffine(use_udp=True)`` and, at test time,
    ``keypoints_to_image(..., use_udp=True)``.

    Args:
        input_size: (w, h) of the network input.
        heatmap_size: (w, h) of the heatmaps.
        sigma: Gaussian std in heatmap pixels.
        blur_kernel_size: modulation kernel of the decoding refinement.
    """

    use_udp = True

    def __init__(self, input_size: Tuple[int, int], heatmap_size: Tuple[int, int], sigma: float,
                 blur_kernel_size: int = 11) -> None:
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.sigma = sigma
        self.blur_kernel_size = blur_kernel_size
        self.scale_factor = ((np.array(input_size, dtype=np.float32) - 1)
                             / (np.array(heatmap_size, dtype=np.float32) - 1))

    def encode(self, keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Render the targets of one instance.

        Args:
            keypoints: (1, K, 2) in input pixels.
            keypoints_visible: (1, K); all visible when None.

        Returns:
            dict(heatmaps=(K, H, W) float32, keypoint_weights=(1, K) float32).
        """
        if keypoints.shape[0] != 1:
            raise ValueError(f'{type(self).__name__} encodes one instance, got keypoints of '
                             f'shape {keypoints.shape}')
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)
        heatmaps, keypoint_weights = generate_udp_gaussian_heatmaps(
            self.heatmap_size, keypoints / self.scale_factor, keypoints_visible, self.sigma)
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
        keypoints = refine_keypoints_dark_udp(keypoints[None], heatmaps, self.blur_kernel_size)
        # the encoder's factor, not mmpose's input / (heatmap - 1), so decode inverts encode
        return keypoints * self.scale_factor, scores[None]
