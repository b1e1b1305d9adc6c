"""Interface of a keypoint codec: keypoints <-> training targets."""
from abc import ABCMeta, abstractmethod
from typing import List, Optional, Tuple

import numpy as np


class BaseKeypointCodec(metaclass=ABCMeta):
    """Encodes keypoints into targets in the pipeline and decodes predictions in the model.

    Keypoints on both sides are in network-input pixels (the crop made by TopdownAffine);
    mapping to and from the image is the job of :mod:`pose.structures.bbox_transforms`.

    ``use_udp`` tells which pixel grid those input-space coordinates assume: pair the codec
    with ``TopdownAffine(use_udp=codec.use_udp)`` and ``keypoints_to_image(...,
    use_udp=codec.use_udp)``.
    """

    use_udp: bool = False

    @abstractmethod
    def encode(self, keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Encode (N, K, 2) keypoints and (N, K) visibility into a dict of targets."""

    @abstractmethod
    def decode(self, encoded: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Decode one sample's output into keypoints (N, K, 2) and scores (N, K)."""

    def batch_decode(self, batch_encoded: np.ndarray) -> Tuple[List[np.ndarray],
                                                               List[np.ndarray]]:
        """Decode a batch (B, ...) into per-sample lists of keypoints and scores."""
        decoded = [self.decode(encoded) for encoded in batch_encoded]
        return [keypoints for keypoints, _ in decoded], [scores for _, scores in decoded]
