"""Heatmaps as pictures: the keypoints' heatmaps summed, coloured, laid over an image."""
import cv2
import numpy as np

from pose.codecs import BaseKeypointCodec
from pose.structures import image_to_heatmap_matrix


def summed_heatmap(heatmaps: np.ndarray) -> np.ndarray:
    """(K, h, w) heatmaps -> (h, w) float32 in [0, 1]: their sum, clipped (a Gaussian target
    peaks at 1; neighbouring keypoints' tails may add up beyond it)."""
    return np.clip(np.asarray(heatmaps, np.float32).sum(axis=0), 0, 1)


def heatmap_in_image(heatmap: np.ndarray, input_center: np.ndarray, input_scale: np.ndarray,
                     codec: BaseKeypointCodec, image_shape: tuple) -> np.ndarray:
    """A crop's (h, w) heatmap placed back where the crop came from: (H, W) float32 of an
    ``image_shape`` image, zero outside the crop.

    Args:
        input_center, input_scale: (2,) the crop's box (the sample's ``input_center`` and
            ``input_scale``), in image pixels.
        codec: the heatmap codec of the model (its ``input_size``, its ``scale_factor`` from
            heatmap to input pixels, and ``use_udp``), so that the heatmap lands where the
            codec decodes its keypoints.
    """
    composed = image_to_heatmap_matrix(input_center, input_scale, 0., codec, inv=True)
    height, width = image_shape[:2]
    return cv2.warpAffine(heatmap.astype(np.float32), composed, (width, height),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=0)


def overlay_heatmap(image: np.ndarray, heatmap: np.ndarray,
                    alpha: float = 0.6) -> np.ndarray:
    """(H, W, 3) BGR: ``image`` darkened, with (H', W') ``heatmap`` in [0, 1] resized to it
    and coloured (JET) where it is non-zero; alpha is the colour's opacity at heatmap 1."""
    height, width = image.shape[:2]
    heatmap = cv2.resize(np.clip(heatmap, 0, 1).astype(np.float32), (width, height),
                         interpolation=cv2.INTER_LINEAR)
    colors = cv2.applyColorMap((heatmap * 255).astype(np.uint8), cv2.COLORMAP_JET)
    weight = (alpha * heatmap)[..., None]
    base = image.astype(np.float32) * 0.5
    return np.clip(base * (1 - weight) + colors * weight, 0, 255).astype(np.uint8)
