"""Following people across video frames: boxes from keypoints, identities by overlap."""
import numpy as np

from pose.apis import IoUTracker, bbox_from_keypoints
from pose.apis.tracking import box_iou


def test_box_from_confident_keypoints():
    keypoints = np.array([[10, 20], [30, 60], [500, 500]], np.float32)
    scores = np.array([0.9, 0.8, 0.1], np.float32)  # the far one is not believed
    box = bbox_from_keypoints(keypoints, scores, score_thr=0.3)
    # extent (10, 20)-(30, 60) grown by 1.25 about its centre (20, 40)
    np.testing.assert_allclose(box, [7.5, 15, 32.5, 65])
    clipped = bbox_from_keypoints(keypoints, scores, 0.3, image_size=(50, 31))
    np.testing.assert_allclose(clipped, [7.5, 15, 31, 50])
    assert bbox_from_keypoints(keypoints, np.array([0.9, 0.1, 0.1]), 0.3) is None  # lost


def test_box_iou():
    a = np.array([[0, 0, 10, 10]], np.float32)
    b = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]], np.float32)
    np.testing.assert_allclose(box_iou(a, b), [[1, 1 / 3, 0]])


def test_identities_follow_overlapping_boxes():
    tracker = IoUTracker(iou_thr=0.3)
    first = np.array([[0, 0, 10, 20], [100, 0, 110, 20]], np.float32)
    assert tracker.update(first).tolist() == [0, 1]
    # Same people, moved and listed in the other order, plus a newcomer.
    second = np.array([[102, 1, 112, 21], [300, 0, 310, 20], [1, 1, 11, 21]], np.float32)
    assert tracker.update(second).tolist() == [1, 2, 0]
    # Two boxes over one previous person: only the better overlap keeps the identity.
    third = np.array([[1, 1, 11, 21], [3, 1, 13, 21]], np.float32)
    assert tracker.update(third).tolist() == [0, 3]
    assert tracker.update(np.zeros((0, 4), np.float32)).tolist() == []
    assert tracker.update(third).tolist() == [4, 5]  # nobody in between: new identities
