"""draw_pose paints links, then keypoints, and only those whose scores reach the threshold."""
import numpy as np

from pose.visualization import draw_pose

RADIUS = 3
THICKNESS = 2
GREY = 100
# RGB; every channel differs from the background, so a painted pixel is told by any channel.
KEYPOINT_COLORS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], dtype=np.uint8)
LINK_COLORS = np.array([[255, 255, 0], [0, 255, 255]], dtype=np.uint8)


def canvas(height: int = 48, width: int = 64) -> np.ndarray:
    return np.full((height, width, 3), GREY, dtype=np.uint8)


def bgr(rgb: np.ndarray) -> np.ndarray:
    return rgb[::-1]


def changed(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return np.any(before != after, axis=-1)


def disk(shape: tuple, xy: tuple, radius: float) -> np.ndarray:
    ys, xs = np.mgrid[:shape[0], :shape[1]]
    return (xs - xy[0])**2 + (ys - xy[1])**2 <= radius**2


def draw(image, keypoints, scores, skeleton=(), score_thr=0.3):
    return draw_pose(image, np.asarray(keypoints, dtype=np.float32),
                     None if scores is None else np.asarray(scores, dtype=np.float32),
                     skeleton, KEYPOINT_COLORS, LINK_COLORS[:len(skeleton)], score_thr=score_thr,
                     radius=RADIUS, thickness=THICKNESS)


def test_paints_exactly_the_keypoints_that_reach_the_threshold():
    image = canvas()
    points = [(10, 10), (30, 20), (50, 30)]
    # The threshold is inclusive: keypoint 2 scores exactly 0.3.
    out = draw(image, [points], [[0.9, 0.1, 0.3]])

    painted = changed(image, out)
    shape = image.shape[:2]
    # The anti-aliased edge tints the pixels it crosses, up to about a pixel beyond the radius.
    allowed = disk(shape, points[0], RADIUS + 1.5) | disk(shape, points[2], RADIUS + 1.5)
    assert painted.any() and not (painted & ~allowed).any()
    for k in (0, 2):
        inner = disk(shape, points[k], RADIUS - 1)
        assert (out[inner] == bgr(KEYPOINT_COLORS[k])).all(), k
    assert not painted[disk(shape, points[1], RADIUS + 1.5)].any()


def test_links_join_visible_keypoints_only_and_lie_under_them():
    image = canvas()
    points = [(10, 10), (10, 40), (50, 10)]
    out = draw(image, [points], [[0.9, 0.1, 0.9]], skeleton=[(0, 2), (0, 1)])

    # Link 0-2 runs along row 10; keypoint 1 is hidden, so link 0-1 (column 10) is not drawn.
    assert (out[10, 30] == bgr(LINK_COLORS[0])).all()
    assert (out[18:40, 10] == GREY).all()
    # Keypoints are drawn after the links, over their ends.
    assert (out[10, 10] == bgr(KEYPOINT_COLORS[0])).all()
    assert (out[10, 50] == bgr(KEYPOINT_COLORS[2])).all()


def test_every_instance_is_drawn_and_no_scores_means_all_visible():
    image = canvas()
    people = [[(8, 8), (20, 8), (32, 8)], [(8, 36), (20, 36), (32, 36)]]
    out = draw(image, people, None)

    for person in people:
        for k, xy in enumerate(person):
            assert (out[xy[1], xy[0]] == bgr(KEYPOINT_COLORS[k])).all(), (person, k)


def test_low_scores_of_one_person_do_not_hide_another():
    image = canvas()
    people = [[(8, 8), (20, 8), (32, 8)], [(8, 36), (20, 36), (32, 36)]]
    out = draw(image, people, [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])

    painted = changed(image, out)
    assert not painted[:24].any()
    assert painted[24:].any()


def test_subpixel_positions_round_to_the_nearest_pixel():
    image = canvas()
    out = draw(image, [[(20.6, 10.4), (40.4, 30.6), (5.0, 40.0)]], [[1.0, 1.0, 0.0]])

    painted = changed(image, out)
    for x, y in [(21, 10), (40, 31)]:
        assert painted[y, x]
        # The painted disk is symmetric about the rounded centre, along both axes.
        columns, rows = np.flatnonzero(painted[y]), np.flatnonzero(painted[:, x])
        assert columns.min() + columns.max() == 2 * x, (x, y)
        assert rows.min() + rows.max() == 2 * y, (x, y)


def test_input_image_is_left_untouched():
    image = canvas()
    original = image.copy()
    out = draw(image, [[(10, 10), (30, 20), (50, 30)]], None, skeleton=[(0, 1)])

    assert np.array_equal(image, original)
    assert out is not image and out.shape == image.shape and out.dtype == np.uint8
    assert changed(image, out).any()
