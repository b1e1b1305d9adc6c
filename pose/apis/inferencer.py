"""Pose estimation in the wild: people found by a detector in images, folders, videos and
webcams, their keypoints by a top-down pose model.

The stages, per frame: decode (:mod:`pose.apis.sources`), person boxes (the detector of
:mod:`pose.apis.detection`, the user's boxes, or the whole frame), keypoints
(:func:`pose.apis.inference_topdown`: every person of the frame in one batch; with a model
that has a mask head, each person's silhouette too), optionally drawing
(:func:`pose.visualization.draw_pose`, silhouettes under the skeletons by
:func:`pose.visualization.draw_masks`). In a video the detector may run every k-th
frame only, the boxes in between following the people's keypoints (:mod:`pose.apis.tracking`),
and keypoints may be smoothed over time (:mod:`pose.apis.smoothing`).
"""
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Mapping, NamedTuple, Optional, Tuple, Union

import cv2
import numpy as np
from mmengine.config import Config
from mmengine.registry import DefaultScope

from engine import local_checkpoint, resolve_backend
from pose.visualization import (draw_masks, draw_pose, heatmap_in_image, overlay_heatmap,
                                person_colors, scaled_sizes, side_by_side, summed_heatmap)

from .detection import Detections, Detector, MMDetPersonDetector
from .inference import inference_topdown, init_model
from .results import FrameResult
from .smoothing import KeypointSmoother
from .sources import Frame, FrameSource, open_source, prefetched
from .tracking import IoUTracker, bbox_from_keypoints

STAGES = ('decode', 'detection', 'pose', 'drawing')


@dataclass
class StageTimes:
    """Seconds spent per stage over the frames of one run."""
    decode: float = 0.0
    detection: float = 0.0
    pose: float = 0.0
    drawing: float = 0.0
    frames: int = 0

    @property
    def total(self) -> float:
        return sum(getattr(self, stage) for stage in STAGES)

    def summary(self) -> str:
        """'N frames in T s (F fps): decode a s (p%), ...'."""
        total = self.total or 1e-9
        stages = ', '.join(f'{stage} {getattr(self, stage):.2f} s '
                           f'({100 * getattr(self, stage) / total:.0f}%)' for stage in STAGES)
        return (f'{self.frames} frames in {self.total:.2f} s '
                f'({self.frames / total:.1f} fps): {stages}')


class _Poses(NamedTuple):
    """The pose model's output for the people of one frame."""
    keypoints: np.ndarray  # (N, K, 2) float32 image pixels
    keypoint_scores: np.ndarray  # (N, K) float32
    heatmap: Optional[np.ndarray]  # (H, W) float32, with ``heatmaps`` only
    masks: Optional[np.ndarray]  # (N, H, W) bool, from a model with a mask head only


@dataclass
class _VideoState:
    """What a video carries from one frame to the next."""
    tracker: IoUTracker
    smoother: Optional[KeypointSmoother]
    fps: float
    previous: Optional[FrameResult] = None
    since_detection: int = 0


class PoseInferencer:
    """Top-down pose estimation on images, folders, videos and webcams.

    Args:
        pose_config, pose_checkpoint: the pose model (a file or an http(s) URL; None: the
            config's initialisation), built by :func:`pose.apis.init_model`.
        det_config, det_checkpoint: an mmdet 3.x detector (see
            :class:`pose.apis.detection.MMDetPersonDetector`); without one, people are the
            boxes passed to the call, else the whole frame.
        device, backend, threads, streams: see :func:`pose.apis.init_model` (the people of a
            frame are one batch, split over a runtime's streams in order; the detector runs in
            PyTorch on ``device``); :attr:`backend` is the one that runs ('auto' resolved).
        detector: any :data:`pose.apis.detection.Detector` instead of ``det_config``.
        det_interval: in videos, run the detector on every ``det_interval``-th frame only
            (and whenever nobody is followed); in between, each person's box is the extent of
            their keypoints in the previous frame (:func:`pose.apis.tracking.bbox_from_keypoints`).
        person_id, bbox_thr, nms_thr, max_people: the detector's box selection
            (:func:`pose.apis.detection.select_people`).
        kpt_thr: keypoints scoring below it are neither drawn nor used to place the next
            frame's box.
        smooth: One-Euro smoothing of video keypoints (:class:`pose.apis.smoothing.
            KeypointSmoother`), with ``smooth_cfg`` (min_cutoff, beta, d_cutoff).
        heatmaps: keep each frame's heatmaps, every person's summed and placed where their
            crop came from (``FrameResult.heatmap``), and draw them beside the skeletons.
        pose_cfg_options, det_cfg_options: config overrides for each model.
        trust_checkpoint: allow checkpoints that need arbitrary unpickling.

    Call it on an input (see :func:`pose.apis.sources.open_source`) for one
    :class:`pose.apis.results.FrameResult` per frame; :attr:`times` then holds the seconds
    per stage. When the pose model has a mask head (:attr:`with_mask`, the model's
    ``with_mask``), every result also has ``masks``: each person's silhouette in image pixels.
    """

    def __init__(self,
                 pose_config: Union[str, Config],
                 pose_checkpoint: Optional[str] = None,
                 det_config: Optional[Union[str, Config]] = None,
                 det_checkpoint: Optional[str] = None,
                 device: str = 'cpu',
                 backend: str = 'pytorch',
                 threads: int = 0,
                 *,
                 streams: int = 0,
                 detector: Optional[Detector] = None,
                 det_interval: int = 1,
                 person_id: Optional[int] = None,
                 bbox_thr: float = 0.3,
                 nms_thr: float = 0.3,
                 max_people: Optional[int] = None,
                 kpt_thr: float = 0.3,
                 smooth: bool = False,
                 smooth_cfg: Optional[dict] = None,
                 heatmaps: bool = False,
                 pose_cfg_options: Optional[dict] = None,
                 det_cfg_options: Optional[dict] = None,
                 trust_checkpoint: bool = False) -> None:
        if detector is not None and det_config is not None:
            raise ValueError('give det_config or detector, not both')
        if det_interval < 1:
            raise ValueError(f'det_interval must be at least 1, got {det_interval}')
        if heatmaps:  # the model then returns its heatmaps with the keypoints
            pose_cfg_options = {**(pose_cfg_options or {}),
                                'model.test_cfg.output_heatmaps': True}
        self.with_heatmaps = heatmaps
        self.backend = resolve_backend(backend, device)  # what runs, 'auto' resolved
        self.pose_model = init_model(
            pose_config, pose_checkpoint and local_checkpoint(pose_checkpoint), device,
            pose_cfg_options, trust_checkpoint, self.backend, threads, streams)
        self.scope = self.pose_model.cfg.get('default_scope', 'pose')
        self.with_mask = bool(getattr(self.pose_model, 'with_mask', False))
        if det_config is not None:
            detector = MMDetPersonDetector(det_config, det_checkpoint, device, person_id,
                                           bbox_thr, nms_thr, max_people, det_cfg_options,
                                           trust_checkpoint)
        self.detector = detector
        self.det_interval = det_interval
        self.kpt_thr = kpt_thr
        self.smooth, self.smooth_cfg = smooth, dict(smooth_cfg or {})
        self.meta = self.pose_model.dataset_meta
        self.times = StageTimes()

    def __call__(self,
                 inputs: Union[str, int, np.ndarray, FrameSource],
                 bboxes: Optional[Mapping[str, np.ndarray]] = None,
                 draw: bool = False,
                 draw_bbox: bool = False,
                 draw_mask: bool = False) -> Iterator[FrameResult]:
        """Estimate the poses in every frame of ``inputs``, lazily, in order.

        Args:
            inputs: an image path or (H, W, 3) BGR array, a folder, a video file, a webcam
                index or ``'webcam[:INDEX]'``.
            bboxes: user boxes by frame name (:attr:`Frame.name`), (N, 4) x1, y1, x2, y2 or
                (N, 5) with scores, used instead of the detector; a frame without an entry has
                nobody in it.
            draw: add the frame with the poses drawn (``visualization``); ``draw_bbox``
                draws the boxes too, ``draw_mask`` the silhouettes under the skeletons.

        Raises:
            ValueError: at the call, before any frame, for ``draw_mask`` with a model that
                has no mask head.
        """
        if draw_mask and not self.with_mask:
            raise ValueError(self._no_mask_head())
        return self._frames(inputs, bboxes, draw, draw_bbox, draw_mask)

    def _frames(self, inputs: Union[str, int, np.ndarray, FrameSource],
                bboxes: Optional[Mapping[str, np.ndarray]], draw: bool, draw_bbox: bool,
                draw_mask: bool) -> Iterator[FrameResult]:
        """The frames of ``inputs`` one by one (see :meth:`__call__`); nothing of a frame is
        kept once the next is asked for, but what tracking and smoothing carry over."""
        source = open_source(inputs)
        self.times = StageTimes()
        state = _VideoState(IoUTracker(), self._smoother(), source.fps) \
            if source.is_video else None
        frames = prefetched(iter(source)) if source.is_video else iter(source)
        while True:
            with self._timed('decode'):
                frame = next(frames, None)
            if frame is None:
                return
            result = self._predict_frame(frame, state, bboxes)
            if draw:
                with self._timed('drawing'):
                    result.visualization = self.draw(frame.image, result, draw_bbox,
                                                     draw_mask)
            self.times.frames += 1
            yield result

    def _predict_frame(self,
                       frame: Frame,
                       state: Optional[_VideoState] = None,
                       bboxes: Optional[Mapping[str, np.ndarray]] = None) -> FrameResult:
        """The people of one frame; ``state`` carries a video's people between calls."""
        people, detected = self._people(frame, state, bboxes)
        with self._timed('pose'):
            poses = self._poses(frame.image, people.bboxes)
        result = FrameResult(frame.index, frame.name, people.bboxes, people.scores,
                             poses.keypoints, poses.keypoint_scores, detected=detected,
                             heatmap=poses.heatmap, masks=poses.masks)
        if state is not None:
            self._follow(result, state)
        return result

    def draw(self, image: np.ndarray, result: FrameResult, draw_bbox: bool = False,
             draw_mask: bool = False) -> np.ndarray:
        """``image`` (H, W, 3) BGR with the poses of ``result`` drawn on a copy; with
        ``draw_mask``, over the people's silhouettes, semi-transparent, a colour per person."""
        radius, thickness = scaled_sizes(*image.shape[:2])  # alike at any image size
        canvas = self._draw_masks(image, result, thickness) if draw_mask else image
        canvas = draw_pose(canvas, result.keypoints, result.keypoint_scores,
                           self.meta['skeleton_links'], self.meta['keypoint_colors'],
                           self.meta['skeleton_link_colors'], self.kpt_thr, radius, thickness)
        if draw_bbox:
            for x1, y1, x2, y2 in np.round(result.bboxes).astype(int):
                cv2.rectangle(canvas, (x1, y1), (x2, y2), (0, 255, 0), 1)
        if result.heatmap is not None:
            canvas = side_by_side([canvas, overlay_heatmap(image, result.heatmap)])
        return canvas

    def _draw_masks(self, image: np.ndarray, result: FrameResult, thickness: int) -> np.ndarray:
        """``image`` with the silhouettes of ``result``, a colour per person (per track in a
        video, so that a person keeps their colour); where people overlap, the one with the
        higher box score shows (duplicate detections of one person score lower)."""
        if result.masks is None:
            raise ValueError(f'frame {result.name} has no masks: ' + self._no_mask_head())
        ids = result.track_ids if result.track_ids is not None else np.arange(len(result))
        order = np.argsort(result.bbox_scores, kind='stable')  # drawn last: on top
        return draw_masks(image, result.masks[order], person_colors(np.asarray(ids)[order]),
                          outline=max(1, thickness - 1))

    def _people(self, frame: Frame, state: Optional[_VideoState],
                bboxes: Optional[Mapping[str, np.ndarray]]) -> Tuple[Detections, bool]:
        """The frame's person boxes and whether the detector found them."""
        if bboxes is not None:
            return _user_boxes(bboxes.get(frame.name)), False
        if self.detector is None:
            height, width = frame.image.shape[:2]
            return Detections(np.array([[0, 0, width, height]], np.float32),
                              np.ones(1, np.float32)), False
        if state is not None and state.since_detection + 1 < self.det_interval:
            followed = self._followed(state, frame.image.shape[:2])
            if len(followed):
                state.since_detection += 1
                return followed, False
        with self._timed('detection'):
            people = self.detector(frame.image)
        if state is not None:
            state.since_detection = 0
        return people, True

    def _followed(self, state: _VideoState, image_size: Tuple[int, int]) -> Detections:
        """The previous frame's people, boxed by their keypoints (lost ones dropped)."""
        previous = state.previous
        if previous is None:
            return Detections.empty()
        boxes, scores = [], []
        for kpts, kpt_scores, score in zip(previous.keypoints, previous.keypoint_scores,
                                           previous.bbox_scores):
            box = bbox_from_keypoints(kpts, kpt_scores, self.kpt_thr, image_size=image_size)
            if box is not None:
                boxes.append(box)
                scores.append(score)
        if not boxes:
            return Detections.empty()
        return Detections(np.stack(boxes), np.array(scores, np.float32))

    def _poses(self, image: np.ndarray, bboxes: np.ndarray) -> _Poses:
        """The keypoints of the people in ``bboxes`` (N, 4), with ``heatmaps`` the heatmap
        of the image, and with a mask head their silhouettes."""
        if len(bboxes) == 0:
            return self._nobody(image.shape[:2])
        # The pose pipeline is built from the pose config's registry scope, whichever scope
        # another model (the detector, a user's) made current meanwhile.
        with DefaultScope.overwrite_default_scope(self.scope):
            samples = inference_topdown(self.pose_model, image, bboxes)
        keypoints = np.concatenate([s.pred_instances.keypoints for s in samples])
        scores = np.concatenate([s.pred_instances.keypoint_scores for s in samples])
        heatmap = self._image_heatmap(samples, image.shape) if self.with_heatmaps else None
        # Each sample's (1, H, W) silhouette, already pasted into the image by the model.
        masks = None
        if self.with_mask:
            masks = np.concatenate([s.pred_instances.masks for s in samples])
            masks = masks.astype(bool, copy=False)
        return _Poses(keypoints.astype(np.float32), scores.astype(np.float32), heatmap, masks)

    def _nobody(self, image_shape: Tuple[int, int]) -> _Poses:
        """The pose model's output for a frame without people."""
        num_keypoints = self.meta['num_keypoints']
        return _Poses(np.zeros((0, num_keypoints, 2), np.float32),
                      np.zeros((0, num_keypoints), np.float32),
                      np.zeros(image_shape, np.float32) if self.with_heatmaps else None,
                      np.zeros((0, *image_shape), bool) if self.with_mask else None)

    def _no_mask_head(self) -> str:
        """Why masks cannot be drawn: the model has no mask head."""
        config = getattr(self.pose_model.cfg, 'filename', None) or 'the pose config'
        return (f'drawing masks (draw_mask, --draw-mask) needs a pose model with a mask head, '
                f'but {config} has none (no model.mask_head); use a multi-task config, e.g. '
                'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py')

    def _image_heatmap(self, samples: list, image_shape: tuple) -> np.ndarray:
        """(H, W) float32 in [0, 1]: each person's heatmaps summed, put back where their
        crop came from; where people overlap, the larger value."""
        heatmap = np.zeros(image_shape[:2], np.float32)
        for sample in samples:
            meta = sample.metainfo
            person = heatmap_in_image(summed_heatmap(sample.pred_fields.heatmaps.numpy()),
                                      meta['input_center'], meta['input_scale'],
                                      self.pose_model.head.decoder, image_shape)
            np.maximum(heatmap, person, out=heatmap)
        return heatmap

    def _follow(self, result: FrameResult, state: _VideoState) -> None:
        """Identities, smoothing and the memory of this frame for the next one."""
        result.track_ids = state.tracker.update(result.bboxes)
        # The next frame's boxes come from the raw keypoints: smoothing lags behind motion.
        # Only boxes and keypoints are kept (no masks, no pictures): one frame's memory.
        state.previous = FrameResult(result.index, result.name, result.bboxes,
                                     result.bbox_scores, result.keypoints.copy(),
                                     result.keypoint_scores, result.track_ids)
        if state.smoother is not None:
            result.keypoints = state.smoother(result.keypoints, result.track_ids,
                                              result.index / state.fps)

    def _smoother(self) -> Optional[KeypointSmoother]:
        return KeypointSmoother(**self.smooth_cfg) if self.smooth else None

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            setattr(self.times, stage, getattr(self.times, stage) + time.perf_counter() - start)


def _user_boxes(boxes: Optional[np.ndarray]) -> Detections:
    """(N, 4) or (N, 5) user boxes (scores 1 when not given) as :class:`Detections`."""
    if boxes is None or len(boxes) == 0:
        return Detections.empty()
    boxes = np.asarray(boxes, np.float32)
    if boxes.ndim != 2 or boxes.shape[1] not in (4, 5):
        raise ValueError(f'boxes must be (N, 4) or (N, 5), got shape {boxes.shape}')
    scores = boxes[:, 4] if boxes.shape[1] == 5 else np.ones(len(boxes), np.float32)
    return Detections(np.ascontiguousarray(boxes[:, :4]), np.ascontiguousarray(scores))
