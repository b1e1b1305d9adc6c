"""draw_masks tints each person's silhouette in the person's colour, semi-transparent and
outlined, and leaves the rest of the image as it is."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from pose.visualization import PERSON_COLORS, draw_masks, person_colors

ROOT = Path(__file__).resolve().parents[3]
IMAGE = cv2.imread(str(ROOT / 'data/samples/coco/000000000785.jpg'))  # 425 x 640


def ellipse(center, axes) -> np.ndarray:
    """(H, W) bool filled ellipse on the sample image's grid."""
    mask = np.zeros(IMAGE.shape[:2], np.uint8)
    cv2.ellipse(mask, center, axes, 0, 0, 360, 1, -1)
    return mask.astype(bool)


def distance_to(mask: np.ndarray) -> np.ndarray:
    """(H, W) float32: each pixel's distance to the nearest pixel of ``mask``."""
    return cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5)


def test_pixels_change_inside_the_mask_and_not_outside():
    mask = ellipse((200, 200), (60, 120))
    color = (255, 127, 14)  # RGB
    drawn = draw_masks(IMAGE, mask[None], [color], alpha=0.5, outline=1)

    changed = np.any(drawn != IMAGE, axis=-1)
    assert changed[mask].mean() > 0.95  # the tint (the rest: pixels already of its colour)
    assert not changed[distance_to(mask) > 1].any()  # the outline stays on the border
    inside = ellipse((200, 200), (50, 110))  # away from the outline
    expected = 0.5 * IMAGE[inside] + 0.5 * np.array(color[::-1], np.float32)
    assert np.abs(drawn[inside] - expected).max() <= 1
    assert (drawn[200, 140] == color[::-1]).all()  # the outline, opaque, at the left edge
    assert drawn is not IMAGE and IMAGE.sum() > 0  # a copy; the input is left as it was


def test_overlapping_people_get_one_tint_the_later_ones():
    first, second = ellipse((200, 200), (60, 120)), ellipse((260, 200), (60, 120))
    colors = person_colors([0, 1])
    drawn = draw_masks(IMAGE, np.stack([first, second]), colors, alpha=0.5, outline=0)

    both = first & second
    expected = 0.5 * IMAGE[both] + 0.5 * colors[1][::-1].astype(np.float32)
    assert np.abs(drawn[both] - expected).max() <= 1
    only_first = first & ~second
    expected = 0.5 * IMAGE[only_first] + 0.5 * colors[0][::-1].astype(np.float32)
    assert np.abs(drawn[only_first] - expected).max() <= 1


def test_no_people_draws_nothing():
    drawn = draw_masks(IMAGE, np.zeros((0, *IMAGE.shape[:2]), bool), [])
    assert np.array_equal(drawn, IMAGE)


def test_person_colours_repeat_by_id():
    colors = person_colors([0, 1, len(PERSON_COLORS) + 1])
    assert colors.shape == (3, 3) and colors.dtype == np.uint8
    assert (colors[2] == colors[1]).all() and (colors[0] != colors[1]).any()
    assert len({tuple(c) for c in PERSON_COLORS}) == len(PERSON_COLORS)


@pytest.mark.parametrize('masks, colors, message', [
    (np.zeros((1, 10, 10), bool), [(0, 0, 0)], r'masks of shape \(1, 10, 10\) do not fit an '
     r'image of 425x640'),
    (np.zeros((425, 640), bool), [(0, 0, 0)], r'expected \(N, 425, 640\)'),
    (np.zeros((1, 425, 640), np.float32), [(0, 0, 0)], 'masks must be bool, got float32'),
    (np.zeros((2, 425, 640), bool), [(0, 0, 0)], '2 masks but 1 colours'),
])
def test_masks_that_do_not_fit_are_refused(masks, colors, message):
    with pytest.raises(ValueError, match=message):
        draw_masks(IMAGE, masks, colors)
