"""People followed from one video frame to the next: identities by box overlap, and the
next frame's boxes from this frame's keypoints (the detector then runs only every k-th frame).
"""
from typing import Optional

import numpy as np


def bbox_from_keypoints(keypoints: np.ndarray,
                        scores: np.ndarray,
                        score_thr: float = 0.3,
                        expansion: float = 1.25,
                        image_size: Optional[tuple] = None) -> Optional[np.ndarray]:
    """A person box for the next frame from this frame's confident keypoints.

    The keypoints' extent, grown by ``expansion`` about its centre (1.25, as rtmlib's
    ``PoseTracker.pose_to_bbox``: keypoints stop at the joints, a detector's box at the
    silhouette), clipped to the image. The pose pipeline then pads it like any box.

    Args:
        keypoints: (K, 2) image pixels. scores: (K,).
        image_size: (H, W) to clip to, or None.

    Returns:
        (4,) x1, y1, x2, y2, or None when fewer than two keypoints reach ``score_thr`` (the
        person is lost; the detector has to find them again).
    """
    confident = keypoints[scores >= score_thr]
    if len(confident) < 2:
        return None
    low, high = confident.min(axis=0), confident.max(axis=0)
    center, half = (low + high) / 2, (high - low) / 2 * expansion
    box = np.concatenate([center - half, center + half]).astype(np.float32)
    if image_size is not None:
        height, width = image_size
        box = np.clip(box, 0, [width, height, width, height]).astype(np.float32)
    if box[2] <= box[0] or box[3] <= box[1]:
        return None
    return box


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, M) intersection over union of (N, 4) and (M, 4) x1, y1, x2, y2 boxes."""
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(bottom_right - top_left, 0, None), axis=-1)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=-1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=-1)
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)


class IoUTracker:
    """Identities for the people of consecutive frames, by greedy box-overlap matching.

    Each box takes the identity of the previous frame's box it overlaps most (pairs taken in
    decreasing IoU, at least ``iou_thr``), or a new one; an identity not seen in a frame is
    dropped. mmpose 0.x's ``get_track_id`` (``mmpose/apis/inference_tracking.py``, IoU
    tracking) does the same per instance; greedy over all pairs keeps two people from claiming
    one identity.
    """

    def __init__(self, iou_thr: float = 0.3) -> None:
        self.iou_thr = iou_thr
        self._bboxes = np.zeros((0, 4), np.float32)
        self._ids = np.zeros(0, np.int64)
        self._next_id = 0

    def update(self, bboxes: np.ndarray) -> np.ndarray:
        """(N,) int64 identities of this frame's (N, 4) boxes."""
        ids = np.full(len(bboxes), -1, np.int64)
        if len(bboxes) and len(self._bboxes):
            iou = box_iou(bboxes, self._bboxes)
            for flat in np.argsort(-iou, axis=None):
                new, old = np.unravel_index(flat, iou.shape)
                if iou[new, old] < self.iou_thr:
                    break
                if ids[new] < 0 and self._ids[old] not in ids:
                    ids[new] = self._ids[old]
        for index in np.flatnonzero(ids < 0):
            ids[index], self._next_id = self._next_id, self._next_id + 1
        self._bboxes, self._ids = np.asarray(bboxes, np.float32).reshape(-1, 4), ids
        return ids
