"""Pictures made of several panels: a caption on each, laid side by side."""
from typing import Sequence

import cv2
import numpy as np

BACKGROUND = 32  # grey of the padding between panels and behind captions


def font_scale(height: int, width: int) -> float:
    """An OpenCV font scale that reads alike at any image size (0.5 on a 240-pixel short
    side, in proportion elsewhere)."""
    return max(0.35, min(height, width) / 480)


def caption(image: np.ndarray, text: str) -> np.ndarray:
    """``image`` (H, W, 3) BGR with ``text`` on a dark band above it: (H + band, W, 3)."""
    height, width = image.shape[:2]
    scale = font_scale(height, width)
    thickness = max(1, round(2 * scale))
    # The band's height from tall and descending glyphs, not from ``text``: panels captioned
    # side by side then line up.
    (_, text_h), baseline = cv2.getTextSize('Ag(|', cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    band = np.full((text_h + baseline + 2 * thickness + 4, width, 3), BACKGROUND, np.uint8)
    cv2.putText(band, text, (4, text_h + thickness + 2), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), thickness, cv2.LINE_AA)
    return np.concatenate([band, image], axis=0)


def side_by_side(panels: Sequence[np.ndarray], gap: int = 4) -> np.ndarray:
    """(H, W1 + gap + W2 + ..., 3) BGR: the panels left to right, top-aligned, padded to the
    tallest."""
    height = max(panel.shape[0] for panel in panels)
    columns = []
    for index, panel in enumerate(panels):
        if index:
            columns.append(np.full((height, gap, 3), BACKGROUND, np.uint8))
        pad = np.full((height - panel.shape[0], panel.shape[1], 3), BACKGROUND, np.uint8)
        columns.append(np.concatenate([panel, pad], axis=0))
    return np.concatenate(columns, axis=1)
