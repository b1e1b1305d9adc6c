"""Draw people's silhouettes on an image: each person's mask tinted in the person's colour,
semi-transparent and outlined, to be drawn under the skeletons (which then stay readable)."""
from typing import Iterable, Sequence

import cv2
import numpy as np

# One colour per person (RGB): matplotlib's qualitative 'tab10' palette without its grey, which
# hardly shows on photos. The skeletons' colours belong to body parts (the dataset metainfo),
# not to people, so the silhouettes carry who is who.
PERSON_COLORS = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
                          (148, 103, 189), (140, 86, 75), (227, 119, 194), (188, 189, 34),
                          (23, 190, 207)], np.uint8)


def person_colors(person_ids: Iterable[int]) -> np.ndarray:
    """(N, 3) uint8 RGB: the palette colour of each person id (the palette repeats); a track
    id keeps a person's colour over the frames of a video."""
    ids = np.asarray(list(person_ids), np.int64).reshape(-1)
    return PERSON_COLORS[ids % len(PERSON_COLORS)]


def draw_masks(image: np.ndarray,
               masks: np.ndarray,
               colors: Sequence[Sequence[int]],
               alpha: float = 0.5,
               outline: int = 1) -> np.ndarray:
    """``image`` with every mask tinted in its colour at opacity ``alpha``, on a copy.

    Args:
        image: (H, W, 3) uint8, BGR.
        masks: (N, H, W) bool, one silhouette per person, in image pixels. Where people
            overlap, the later one's colour shows (one tint, not a darker mix of both).
        colors: (N, 3) RGB (as the metainfo's keypoint colours and :func:`person_colors`).
        alpha: opacity of the tint; the image shows through with ``1 - alpha``.
        outline: thickness in pixels of each mask's outline in its colour, at full opacity
            (0: none); it is drawn on the mask's border pixels, and reaches at most
            ``outline // 2`` pixels outside the mask.

    Returns:
        (H, W, 3) uint8, BGR.
    """
    masks = _checked_masks(masks, image.shape[:2])
    if len(colors) < len(masks):
        raise ValueError(f'draw_masks: {len(masks)} masks but {len(colors)} colours')
    canvas = image.copy()
    if not len(masks):
        return canvas
    tint, covered = np.zeros_like(image), np.zeros(image.shape[:2], bool)
    for mask, color in zip(masks, colors):
        tint[mask] = color[::-1]  # RGB -> BGR
        covered |= mask
    # Blend only the covered pixels: on a large frame with small people this is the cheap part.
    blended = (1 - alpha) * image[covered] + alpha * tint[covered].astype(np.float32)
    canvas[covered] = np.clip(np.round(blended), 0, 255).astype(np.uint8)
    if outline > 0:
        for mask, color in zip(masks, colors):
            _draw_outline(canvas, mask, color, outline)
    return canvas


def _checked_masks(masks: np.ndarray, image_shape: Sequence[int]) -> np.ndarray:
    """``masks`` as (N, H, W) bool, after checking they are of an ``image_shape`` image."""
    masks = np.asarray(masks)
    if masks.ndim != 3 or masks.shape[1:] != tuple(image_shape):
        raise ValueError(f'draw_masks: masks of shape {masks.shape} do not fit an image of '
                         f'{image_shape[0]}x{image_shape[1]}; expected (N, '
                         f'{image_shape[0]}, {image_shape[1]})')
    if masks.dtype != bool:
        raise ValueError(f'draw_masks: masks must be bool, got {masks.dtype}')
    return masks


def _draw_outline(canvas: np.ndarray, mask: np.ndarray, color: Sequence[int],
                  thickness: int) -> None:
    """Draw, in place, the outer borders of ``mask`` (H, W) bool in ``color`` (RGB)."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    bgr = tuple(int(c) for c in color[::-1])
    cv2.drawContours(canvas, contours, -1, bgr, thickness)
