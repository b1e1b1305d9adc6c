"""What the pose inferencer returns per frame, and its COCO results form."""
import json
import os
from dataclasses import dataclass, field
from typing import IO, Iterable, List, Optional

import numpy as np

from pose.evaluation.functional import instance_score
from pose.structures import mask_to_rle


@dataclass
class FrameResult:
    """The people of one frame.

    Attributes:
        index: the frame's position in its source, from 0.
        name: the frame's name (image file name, ``<video>_<index:06d>``).
        bboxes: (N, 4) float32 x1, y1, x2, y2 image pixels: the boxes the poses were
            estimated in (the detector's, the user's, the whole frame, or, in a video between
            detections, the previous frame's keypoints' boxes).
        bbox_scores: (N,) float32: the detector's scores (1 for user or whole-frame boxes; a
            person followed from an earlier frame keeps the score of their detection).
        keypoints: (N, K, 2) float32 image pixels (smoothed over time when asked).
        keypoint_scores: (N, K) float32.
        track_ids: (N,) int64 identities across the frames of a video; None for stills.
        detected: whether the detector ran on this frame.
        visualization: the frame with the poses drawn, (H, W, 3) BGR, when asked for.
        heatmap: (H, W) float32 in [0, 1], the people's summed heatmaps in image pixels,
            when asked for (``PoseInferencer(heatmaps=True)``).
        masks: (N, H, W) bool, each person's silhouette in image pixels, from a pose model
            with a mask head; None for a pose-only model. One frame's worth: the inferencer
            yields frame by frame and keeps no earlier frame's masks.
    """
    index: int
    name: str
    bboxes: np.ndarray
    bbox_scores: np.ndarray
    keypoints: np.ndarray
    keypoint_scores: np.ndarray
    track_ids: Optional[np.ndarray] = None
    detected: bool = False
    visualization: Optional[np.ndarray] = field(default=None, repr=False)
    heatmap: Optional[np.ndarray] = field(default=None, repr=False)
    masks: Optional[np.ndarray] = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.bboxes)

    def coco_records(self, image_id: Optional[int] = None,
                     keypoint_score_thr: float = 0.2) -> List[dict]:
        """One COCO keypoint result per person.

        ``image_id`` (the frame index when None), ``category_id`` 1, ``keypoints`` as K
        ``x, y, score`` triplets, ``bbox`` as x, y, w, h, and ``score`` as the COCO metric
        rescores instances (:func:`pose.evaluation.functional.instance_score`: the box score
        times the mean keypoint score above ``keypoint_score_thr``); ``track_id`` in videos;
        with masks, ``segmentation``: the person's mask as COCO compressed RLE
        (:func:`pose.structures.mask_to_rle`), so that the same records are scored by COCO's
        keypoint and segm evaluations.
        """
        image_id = self.index if image_id is None else image_id
        records = []
        for i, (box, box_score) in enumerate(zip(self.bboxes, self.bbox_scores)):
            kpts = np.concatenate([self.keypoints[i], self.keypoint_scores[i][:, None]], axis=1)
            record = dict(
                image_id=int(image_id),
                category_id=1,
                keypoints=[round(float(v), 3) for v in kpts.reshape(-1)],
                score=round(instance_score(float(box_score), self.keypoint_scores[i],
                                           keypoint_score_thr=keypoint_score_thr), 6),
                bbox=[round(float(v), 3) for v in (*box[:2], *(box[2:] - box[:2]))])
            if self.track_ids is not None:
                record['track_id'] = int(self.track_ids[i])
            if self.masks is not None:
                record['segmentation'] = mask_to_rle(self.masks[i])
            records.append(record)
        return records


def dump_coco_results(records: Iterable[dict], path: str) -> int:
    """Write COCO results (a json list) to ``path``; return how many."""
    with CocoResultsWriter(path) as writer:
        writer.write(records)
    return writer.count


class CocoResultsWriter:
    """COCO results written to a json list as they come, so that a long video's results are
    never all in memory at once (one record is one person of one frame).

    Use it as a context manager: on leaving, the list is closed; when the block raises, the
    unfinished file is removed instead (no half-written results left looking complete).
    """

    def __init__(self, path: str) -> None:
        self.path, self.count = path, 0
        self._file: Optional[IO[str]] = None

    def __enter__(self) -> 'CocoResultsWriter':
        self._file = open(self.path, 'w')
        self._file.write('[')
        return self

    def write(self, records: Iterable[dict]) -> None:
        """Append ``records`` to the list."""
        for record in records:
            self._file.write((', ' if self.count else '') + json.dumps(record))
            self.count += 1

    def __exit__(self, error_type, error, traceback) -> None:
        self._file.write(']')
        self._file.close()
        if error_type is not None:
            os.remove(self.path)
