"""Quarter-pixel refinement as the published results were decoded (mmpose 0.x
``keypoints_from_heatmaps``, ``post_process='default'``), including at the heatmap edge."""
import numpy as np
import pytest

from pose.codecs.utils import refine_keypoints


def original_refinement(keypoints: np.ndarray, heatmaps: np.ndarray) -> np.ndarray:
    """The loop of mmpose 0.x, as written there (for one instance)."""
    preds = keypoints.astype(np.float64).copy()
    _, H, W = heatmaps.shape
    for k in range(heatmaps.shape[0]):
        heatmap = heatmaps[k]
        px = int(preds[k][0])
        py = int(preds[k][1])
        if 1 < px < W - 1 and 1 < py < H - 1:
            diff = np.array([
                heatmap[py][px + 1] - heatmap[py][px - 1],
                heatmap[py + 1][px] - heatmap[py - 1][px]
            ])
            preds[k] += np.sign(diff) * .25
    return preds


def test_every_location_of_a_small_map_matches_the_original():
    # every (x, y) of a 7x6 map, border rows and columns included, with random neighbours
    H, W = 7, 6
    ys, xs = np.mgrid[0:H, 0:W]
    locations = np.stack([xs.ravel(), ys.ravel()], axis=-1).astype(np.float32)
    heatmaps = np.random.default_rng(0).uniform(size=(len(locations), H, W)).astype(np.float32)
    ours = refine_keypoints(locations[None], heatmaps)[0]
    np.testing.assert_array_equal(ours, original_refinement(locations, heatmaps))


@pytest.mark.parametrize('x, y', [(1, 5), (5, 1), (0, 5), (5, 0), (47, 5), (5, 63)])
def test_peaks_on_the_first_two_or_the_last_row_or_column_stay(x, y):
    heatmaps = np.zeros((1, 64, 48), np.float32)
    heatmaps[0, y, x] = 1.
    # a higher neighbour on each side that exists, so any refinement would move the point
    for dx, dy in ((1, 0), (0, 1)):
        if x + dx < 48 and y + dy < 64:
            heatmaps[0, y + dy, x + dx] = 0.5
    point = np.array([[[x, y]]], np.float32)
    np.testing.assert_array_equal(refine_keypoints(point, heatmaps), point)


def test_inside_points_move_a_quarter_pixel_toward_the_higher_neighbour():
    heatmaps = np.zeros((1, 64, 48), np.float32)
    heatmaps[0, 10, 20] = 1.
    heatmaps[0, 10, 21] = 0.5  # right
    heatmaps[0, 9, 20] = 0.5  # up
    refined = refine_keypoints(np.array([[[20, 10]]], np.float32), heatmaps)
    np.testing.assert_array_equal(refined, [[[20.25, 9.75]]])
