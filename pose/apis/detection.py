"""The detector stage of top-down pose estimation: person boxes from an mmdet 3.x detector.

Any mmdet config and checkpoint serve (the person detectors of ``configs/det/``, or any COCO
detector): the detector's boxes are filtered as mmpose's ``demo/topdown_demo_with_mmdet.py``
filters them (the person class, a score threshold, then NMS), and at most ``max_people`` are
kept. mmdet is imported only when a detector is built, so the rest of ``pose.apis`` works
without it (``pip install -r requirements/detection.txt`` installs it).

A detector, for :class:`pose.apis.PoseInferencer`, is any callable from an (H, W, 3) BGR image
to :class:`Detections`; :class:`MMDetPersonDetector` is the mmdet one.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import MODELS, DefaultScope

from engine import build_model, local_checkpoint


@dataclass
class Detections:
    """The people found in one image.

    Attributes:
        bboxes: (N, 4) float32, x1, y1, x2, y2 in image pixels.
        scores: (N,) float32, in decreasing order.
    """
    bboxes: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> 'Detections':
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.float32))

    def __len__(self) -> int:
        return len(self.bboxes)


# What the inferencer calls: (H, W, 3) BGR image -> the people in it.
Detector = Callable[[np.ndarray], Detections]


def select_people(bboxes: np.ndarray,
                  scores: np.ndarray,
                  labels: np.ndarray,
                  person_id: int = 0,
                  score_thr: float = 0.3,
                  nms_thr: float = 0.3,
                  max_people: Optional[int] = None) -> Detections:
    """The person boxes among a detector's output.

    Non-empty boxes of class ``person_id`` scoring above ``score_thr`` are kept, overlapping
    ones removed by NMS at IoU ``nms_thr`` (the detector's own NMS is per class and usually
    looser: RTMDet's is 0.65), and the ``max_people`` best of the rest returned (all when
    None). The defaults are mmpose's demo's (``--bbox-thr 0.3 --nms-thr 0.3``).

    Args:
        bboxes: (M, 4) x1, y1, x2, y2. scores: (M,). labels: (M,) class indices.
    """
    from mmcv.ops import nms  # compiled op, imported where it is used

    bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
    nonempty = (bboxes[:, 2] > bboxes[:, 0]) & (bboxes[:, 3] > bboxes[:, 1])
    keep = (np.asarray(labels) == person_id) & (np.asarray(scores) > score_thr) & nonempty
    bboxes = bboxes[keep]
    scores = np.asarray(scores, np.float32)[keep]
    if len(bboxes) == 0:
        return Detections.empty()
    kept, _ = nms(bboxes, scores, nms_thr)  # (N, 5): box and score, best first
    if max_people is not None:
        kept = kept[:max_people]
    return Detections(np.ascontiguousarray(kept[:, :4]), np.ascontiguousarray(kept[:, 4]))


def load_detector_config(config: Union[str, Config],
                         cfg_options: Optional[dict] = None) -> Config:
    """Read a detector config, refusing one whose model is not an mmdet detector.

    Raises:
        ImportError: mmdet is not installed.
        ValueError: the config has no model, or its model is no mmdet detector (a pose or
            segmentation config, say); the message names the config and the model type.
    """
    try:
        from mmdet.models.detectors import BaseDetector
    except ImportError as error:
        raise ImportError('the detector stage needs mmdet 3.x: '
                          'pip install -r requirements/detection.txt') from error
    name = config if isinstance(config, str) else (config.filename or 'the detector config')
    cfg = Config.fromfile(config) if isinstance(config, str) else config.copy()
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if 'model' not in cfg:
        raise ValueError(f'{name} is not a detector config: it defines no model')
    scope = cfg.get('default_scope', 'mmdet')
    with MODELS.switch_scope_and_registry(scope) as registry:
        model_type = registry.get(cfg.model.type)
    if not (isinstance(model_type, type) and issubclass(model_type, BaseDetector)):
        raise ValueError(
            f'{name} is not a detector config: its model {cfg.model.type!r} (scope {scope!r}) '
            'is not an mmdet detector; pass an mmdet 3.x detection config as the detector '
            '(e.g. configs/det/rtmdet_nano_320-8xb32_coco-person.py)')
    return cfg


class MMDetPersonDetector:
    """Person boxes from an mmdet 3.x detector: a :data:`Detector`.

    Args:
        config: an mmdet detection config (file or loaded).
        checkpoint: its weights, a file or an http(s) URL (downloaded once, see
            :func:`engine.local_checkpoint`), loaded weights-only and strictly;
            None keeps the config's initialisation (random weights: for tests and timing).
        device: where the detector runs.
        person_id: the person class index among the detector's classes; None: the index of
            'person' in the checkpoint's (else the config's) class names, 0 when it names none.
        score_thr, nms_thr, max_people: see :func:`select_people`.
        cfg_options: overrides merged into the config.
        trust_checkpoint: allow a checkpoint that needs arbitrary unpickling.

    Raises:
        ValueError: ``config`` is not an mmdet detector config; ``person_id`` is None and the
            detector's classes include no 'person'.
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 device: str = 'cpu',
                 person_id: Optional[int] = None,
                 score_thr: float = 0.3,
                 nms_thr: float = 0.3,
                 max_people: Optional[int] = None,
                 cfg_options: Optional[dict] = None,
                 trust_checkpoint: bool = False) -> None:
        cfg = load_detector_config(config, cfg_options)
        self.scope = cfg.get('default_scope', 'mmdet')
        # The detector's registries are the config's scope (mmdet): building inside a
        # temporary default scope leaves the pose model's scope current for its pipeline.
        with DefaultScope.overwrite_default_scope(self.scope):
            self.model = build_model(cfg, checkpoint and local_checkpoint(checkpoint), device,
                                     trust_checkpoint=trust_checkpoint)
            self.pipeline = Compose(_inference_pipeline(cfg))
        self.classes = _class_names(self.model, cfg)
        self.person_id = _person_id(person_id, self.classes)
        self.score_thr, self.nms_thr, self.max_people = score_thr, nms_thr, max_people

    @torch.no_grad()
    def __call__(self, image: np.ndarray) -> Detections:
        """The people in an (H, W, 3) BGR image, boxes in its pixels."""
        with DefaultScope.overwrite_default_scope(self.scope):
            data = self.pipeline(dict(img=image, img_id=0))
            pred = self.model.test_step(pseudo_collate([data]))[0].pred_instances
        # mmdet scales boxes back to the image but does not clip them: boxes predicted in
        # the padding of a letterboxed input reach past the image's border.
        height, width = image.shape[:2]
        bboxes = pred.bboxes.cpu().numpy().clip(0, [width, height, width, height])
        return select_people(bboxes, pred.scores.cpu().numpy(), pred.labels.cpu().numpy(),
                             self.person_id, self.score_thr, self.nms_thr, self.max_people)


def _inference_pipeline(cfg: Config) -> list:
    """The config's test pipeline reading an array instead of a file, without annotations."""
    from mmdet.utils import get_test_pipeline_cfg
    pipeline = [dict(t) for t in get_test_pipeline_cfg(cfg)
                if not t['type'].endswith('LoadAnnotations')]
    pipeline[0] = dict(type='mmdet.LoadImageFromNDArray')
    return pipeline


def _class_names(model: torch.nn.Module, cfg: Config) -> Optional[Sequence[str]]:
    """The detector's class names: the checkpoint's meta, else the config's test dataset."""
    meta = getattr(model, 'dataset_meta', None) or {}
    if meta.get('classes'):
        return tuple(meta['classes'])
    dataset = cfg.get('test_dataloader', {}).get('dataset', {})
    classes = (dataset.get('metainfo') or {}).get('classes')
    if classes is None and 'type' in dataset:
        from mmdet.registry import DATASETS
        dataset_type = DATASETS.get(dataset['type'])
        classes = getattr(dataset_type, 'METAINFO', {}).get('classes')
    return tuple(classes) if classes else None


def _person_id(person_id: Optional[int], classes: Optional[Sequence[str]]) -> int:
    if person_id is not None:
        return person_id
    if classes is None:
        return 0
    if 'person' not in classes:
        raise ValueError(f"the detector's classes {tuple(classes)[:10]}... name no 'person': "
                         'pass person_id (--det-cat-id) for the class to keep')
    return list(classes).index('person')
