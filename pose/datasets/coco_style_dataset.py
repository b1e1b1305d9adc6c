"""Top-down datasets whose annotations follow the COCO keypoint format."""
import contextlib
import copy
import io
import json
import logging
import os.path as osp
from collections import Counter
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.fileio import join_path
from mmengine.logging import MessageHub, print_log
from mmengine.utils import is_abs
from xtcocotools.coco import COCO

from pose.registry import DATASETS
from pose.structures import bbox_xywh2xyxy
from .metainfo_parser import parse_pose_metainfo

# metainfo entries that every sample carries into the pipeline (flip, half-body, loss weights)
_METAINFO_KEYS_PER_SAMPLE = ('dataset_name', 'upper_body_ids', 'lower_body_ids', 'flip_pairs',
                             'flip_indices', 'dataset_keypoint_weights', 'skeleton_links')


def _is_number(value: object) -> bool:
    """A JSON number (bool is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def random_center_shifts(num_boxes: int, prob: float, max_shift: float) -> np.ndarray:
    """(num_boxes, 2) centre offsets in box sizes: uniform in [-max_shift, max_shift] per axis
    with probability ``prob``, else 0.

    Drawn from numpy's global generator box after box as mmpose 0.x's
    ``TopDownCocoDataset._xywh2cs`` draws them (``rand() < prob``, then ``rand(2)``), so that
    mmengine's ``randomness.seed`` fixes them and every rank of a distributed run, seeded
    alike, builds the same dataset.
    """
    offsets = np.zeros((num_boxes, 2))
    for i in range(num_boxes):
        if np.random.rand() < prob:
            offsets[i] = 2 * max_shift * (np.random.rand(2) - 0.5)
    return offsets


@DATASETS.register_module()
class CocoStyleDataset(BaseDataset):
    """One sample per person instance, from a COCO-format keypoint annotation file.

    Each data info holds ``img_id``, ``img_path``, ``id`` (annotation id, or a running index
    for detections), ``category_id``, ``bbox`` (1, 4) xyxy float32, ``bbox_score`` (1,),
    ``keypoints`` (1, K, 2) float32, ``keypoints_visible`` (1, K) float32 in {0, 1},
    ``num_keypoints``, ``area`` (1,) float32, ``iscrowd``, ``raw_ann_info`` (the COCO
    annotation less its ``segmentation``; ground-truth samples only) and, from
    :meth:`get_data_info`, the per-sample metainfo (``flip_indices`` ...).

    Args:
        ann_file: COCO-format json (joined to ``data_root`` when relative).
        bbox_file: COCO-format detection results ``[{image_id, category_id, bbox (xywh),
            score}]`` (joined to ``data_root`` when relative); test mode only. The samples
            are then the detected boxes, with dummy keypoints, and evaluation matches them to
            ``ann_file``'s ground truth.
        data_mode: only 'topdown'.
        metainfo: ``dict(from_file=path)`` or a description dict (see
            :mod:`pose.datasets.metainfo_parser`); defaults to the class ``METAINFO``.
        data_root: root joined to relative ``ann_file`` and ``data_prefix`` paths.
        data_prefix: ``dict(img=image folder)``.
        filter_cfg: ``bbox_score_thr`` drops boxes scoring below it (detections);
            ``filter_empty_gt`` (default True, as mmpose always does in top-down mode)
            drops crowd annotations and those with fewer than ``min_keypoints`` (default 1)
            labelled keypoints: they give no training signal and COCO evaluation ignores
            them; set it False to keep every annotation. Boxes without area are always
            dropped (they cannot be cropped). Every drop is counted in the log.
        test_mode, indices, serialize_data, pipeline, lazy_init, max_refetch: as in
            :class:`mmengine.dataset.BaseDataset`.
        center_shift_prob: probability that a training box (never one in test mode) is
            moved, once, when the dataset is built; 0 (off) by default. The published
            Lite-HRNet COCO models were trained with 0.3: mmpose 0.x's
            ``TopDownCocoDataset._xywh2cs`` moved the box centre of 30% of the training
            samples by ``0.4 * (rand(2) - 0.5) * (w, h)`` when it loaded the annotations, and
            the crop followed that centre for the whole training.
        center_shift_max: the largest move per axis, as a fraction of the box's width and
            height (uniform in [-max, max]); 0.2 in the original.
        with_masks: keep each person's COCO ``segmentation`` (polygons or RLE, or None when
            the annotation has none) and the ``crowd_segmentations`` of its image (regions
            the mask loss ignores) in its data info, for :class:`pose.transforms.LoadPersonMask`.
            Off by default: keypoint models never read the polygons, which would dominate the
            dataset's memory. Instances without a segmentation still train their keypoints;
            how many there are is logged once.
    """

    METAINFO: dict = dict()

    def __init__(self,
                 ann_file: str = '',
                 bbox_file: Optional[str] = None,
                 data_mode: str = 'topdown',
                 metainfo: Optional[Mapping] = None,
                 data_root: str = '',
                 data_prefix: dict = dict(img=''),
                 filter_cfg: Optional[dict] = None,
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 serialize_data: bool = True,
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 max_refetch: int = 1000,
                 center_shift_prob: float = 0.,
                 center_shift_max: float = 0.2,
                 with_masks: bool = False) -> None:
        self.with_masks = with_masks
        if not 0 <= center_shift_prob <= 1 or center_shift_max < 0:
            raise ValueError(f'{type(self).__name__}: center_shift_prob must be in [0, 1] and '
                             f'center_shift_max >= 0, got {center_shift_prob} and '
                             f'{center_shift_max}')
        self.center_shift_prob = center_shift_prob
        self.center_shift_max = center_shift_max
        if data_mode != 'topdown':
            raise ValueError(f'{type(self).__name__} supports data_mode="topdown" only, got '
                             f'{data_mode!r}')
        if bbox_file and not test_mode:
            raise ValueError(f'{type(self).__name__}: bbox_file ({bbox_file}) is for testing '
                             'on detected boxes; set test_mode=True')
        self.data_mode = data_mode
        self.bbox_file = bbox_file
        super().__init__(ann_file=ann_file, metainfo=metainfo, data_root=data_root,
                         data_prefix=data_prefix, filter_cfg=filter_cfg, indices=indices,
                         serialize_data=serialize_data, pipeline=list(pipeline),
                         test_mode=test_mode, lazy_init=lazy_init, max_refetch=max_refetch)
        if self.test_mode:
            # a COCO metric built without ann_file finds the ground truth here (mmpose does so)
            MessageHub.get_current_instance().update_info_dict(
                {f'{self._metainfo["dataset_name"]}_ann_file': self.ann_file})

    def _join_prefix(self) -> None:
        """Join ``data_root`` to a relative ``bbox_file`` too, by mmengine's rule for
        ``ann_file``."""
        super()._join_prefix()
        if self.bbox_file and not is_abs(self.bbox_file) and self.data_root:
            self.bbox_file = join_path(self.data_root, self.bbox_file)

    @classmethod
    def _load_metainfo(cls, metainfo: Optional[Mapping] = None) -> dict:
        """Parse ``metainfo`` (or the class ``METAINFO``) into arrays; see the parser."""
        if metainfo is None:
            metainfo = copy.deepcopy(cls.METAINFO)
        if not isinstance(metainfo, Mapping):
            raise TypeError(f'metainfo must be a dict, got {type(metainfo)}')
        if not metainfo:
            raise ValueError(f'{cls.__name__} needs a metainfo describing the keypoints, e.g. '
                             "metainfo=dict(from_file='pose/datasets/metainfo/coco.py')")
        return parse_pose_metainfo(dict(metainfo))

    def get_data_info(self, idx: int) -> dict:
        """The idx-th sample's info plus the metainfo the transforms need."""
        data_info = super().get_data_info(idx)
        for key in _METAINFO_KEYS_PER_SAMPLE:
            data_info[key] = copy.deepcopy(self._metainfo[key])
        return data_info

    # ---------------------------------------------------------------- loading
    def load_data_list(self) -> List[dict]:
        """Read the annotation (and detection) files into one info dict per instance."""
        self._check_inputs_exist()
        if self.bbox_file:
            return self._load_detection_results()
        data_list = self._load_annotations()
        if self.with_masks:
            self._log_instances_without_mask(data_list)
        if self.center_shift_prob > 0 and not self.test_mode:
            self._shift_box_centers(data_list)
        return data_list

    def _shift_box_centers(self, data_list: List[dict]) -> None:
        """Move some training boxes in place, by the draws of :func:`random_center_shifts`.

        The whole box moves, so ``GetBBoxCenterScale`` finds the moved centre and the same
        size; ``raw_ann_info`` keeps the annotated box.
        """
        offsets = random_center_shifts(len(data_list), self.center_shift_prob,
                                       self.center_shift_max)
        for data_info, offset in zip(data_list, offsets):
            bbox = data_info['bbox']
            shift = offset * (bbox[0, 2:4] - bbox[0, 0:2])
            data_info['bbox'] = (bbox + np.tile(shift, 2)).astype(np.float32)
        moved = int(np.count_nonzero(np.any(offsets != 0, axis=1)))
        print_log(f'{type(self).__name__}: moved the centre of {moved} of {len(data_list)} '
                  f'training boxes of {self.ann_file} (center_shift_prob='
                  f'{self.center_shift_prob}, center_shift_max={self.center_shift_max})',
                  logger='current', level=logging.INFO)

    def _log_instances_without_mask(self, data_list: List[dict]) -> None:
        """Say once how many instances have no segmentation (their mask loss weight is 0)."""
        missing = sum(1 for data_info in data_list if data_info['segmentation'] is None)
        if missing:
            print_log(f'{type(self).__name__}: {missing} of {len(data_list)} instances of '
                      f'{self.ann_file} have no segmentation; they train their keypoints only '
                      '(mask loss weight 0)', logger='current', level=logging.WARNING)

    def _check_inputs_exist(self) -> None:
        """Fail early, naming the path, when a file or the image folder is missing."""
        if not self.ann_file or not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'{type(self).__name__}: annotation file '
                                    f'{self.ann_file!r} does not exist')
        if self.bbox_file and not osp.isfile(self.bbox_file):
            raise FileNotFoundError(f'{type(self).__name__}: bbox file {self.bbox_file!r} '
                                    'does not exist')
        img_root = self.data_prefix.get('img', '')
        if img_root and not osp.isdir(img_root):
            raise FileNotFoundError(f'{type(self).__name__}: image root {img_root!r} '
                                    '(data_root + data_prefix["img"]) does not exist')

    def _load_coco(self) -> COCO:
        """The annotation file as an xtcocotools COCO index; categories go into metainfo."""
        try:
            # COCO() prints progress to stdout; keep the training log clean
            with contextlib.redirect_stdout(io.StringIO()):
                coco = COCO(self.ann_file)
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f'{self.ann_file} is not a COCO-format annotation file: '
                             f'{err!r}') from err
        if not isinstance(coco.dataset.get('categories'), list):
            raise ValueError(f'{self.ann_file} has no "categories" list: a COCO keypoint file '
                             'names the category of its people (evaluation reads it)')
        self._metainfo['CLASSES'] = coco.loadCats(coco.getCatIds())
        return coco

    def _load_annotations(self) -> List[dict]:
        """One info dict per annotation that has a box and keypoints."""
        coco = self._load_coco()
        data_list, skipped = [], 0
        for img_id in coco.getImgIds():
            img = self._image_info(coco, img_id)
            anns = coco.loadAnns(coco.getAnnIds(imgIds=img_id))
            for ann in anns:
                data_info = self.parse_data_info(dict(raw_ann_info=ann, raw_img_info=img))
                if data_info is None:
                    skipped += 1
                    continue
                if self.with_masks:
                    data_info.update(self._mask_info(ann, anns))
                data_list.append(data_info)
        if skipped:
            print_log(f'{type(self).__name__}: {skipped} annotations in {self.ann_file} have no '
                      '"bbox" or "keypoints" field and were skipped', logger='current',
                      level=logging.WARNING)
        listed = set(coco.imgs)
        orphans = sum(1 for ann in coco.dataset.get('annotations', [])
                      if ann.get('image_id') not in listed)
        if orphans:
            print_log(f'{type(self).__name__}: {orphans} annotations in {self.ann_file} belong to '
                      'image ids its "images" do not list, and were skipped', logger='current',
                      level=logging.WARNING)
        return data_list

    def _mask_info(self, ann: dict, image_anns: List[dict]) -> dict:
        """The instance's own ``segmentation`` (None without one) and the crowd regions of
        its image, which the mask loss ignores; checked when decoded, where the image size is
        known (:func:`pose.structures.segmentation_to_mask`)."""
        crowd = [other['segmentation'] for other in image_anns
                 if other.get('iscrowd', 0) and other is not ann and other.get('segmentation')]
        return dict(segmentation=ann.get('segmentation') or None, crowd_segmentations=crowd,
                    mask_source=f'{self.ann_file}: annotation id {ann.get("id")}')

    def _image_info(self, coco: COCO, img_id: int) -> dict:
        """The COCO image entry of ``img_id`` with its ``img_path``; the fields a sample
        needs are checked."""
        img = dict(coco.loadImgs(img_id)[0])
        missing = [key for key in ('file_name', 'width', 'height') if key not in img]
        if missing:
            raise ValueError(f'{self.ann_file}: image id {img_id} lacks {", ".join(missing)}')
        if not (isinstance(img['file_name'], str) and _is_number(img['width'])
                and _is_number(img['height']) and img['width'] > 0 and img['height'] > 0):
            raise ValueError(f'{self.ann_file}: image id {img_id} has file_name '
                             f'{str(img["file_name"])[:80]!r}, width {str(img["width"])[:20]} and '
                             f'height {str(img["height"])[:20]}; expected a name and positive '
                             'sizes')
        img['img_path'] = osp.join(self.data_prefix.get('img', ''), img['file_name'])
        return img

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        """Convert one COCO annotation into a data info dict (None without box/keypoints).

        Args:
            raw_data_info: dict(raw_ann_info=COCO annotation, raw_img_info=COCO image entry
                with an added ``img_path``).
        """
        ann, img = raw_data_info['raw_ann_info'], raw_data_info['raw_img_info']
        if 'bbox' not in ann or 'keypoints' not in ann:
            return None
        keypoints, keypoints_visible = self._parse_keypoints(ann)
        x, y, w, h = self._parse_bbox(ann)
        # clip to the image as mmpose does: boxes of the COCO json may overhang it
        x1, x2 = np.clip([x, x + w], 0, img['width'] - 1)
        y1, y2 = np.clip([y, y + h], 0, img['height'] - 1)
        num_keypoints = ann.get('num_keypoints', int(np.count_nonzero(keypoints_visible)))
        data_info = dict(
            img_id=ann['image_id'],
            img_path=img['img_path'],
            id=ann['id'],
            category_id=ann.get('category_id', 1),
            bbox=np.array([[x1, y1, x2, y2]], dtype=np.float32),
            bbox_score=np.ones(1, dtype=np.float32),
            keypoints=keypoints,
            keypoints_visible=keypoints_visible,
            num_keypoints=num_keypoints,
            area=np.array([ann.get('area', w * h)], dtype=np.float32),
            iscrowd=ann.get('iscrowd', 0),
            # keypoint evaluation never reads the masks, and the polygons would dominate the
            # dataset's memory and each sample's metainfo copies
            raw_ann_info={k: copy.deepcopy(v) for k, v in ann.items() if k != 'segmentation'})
        return data_info

    def _parse_bbox(self, ann: dict) -> Tuple[float, float, float, float]:
        """x, y, w, h of a COCO annotation (NaN and infinity pass, and are filtered out with
        a count by :meth:`filter_data`)."""
        bbox = ann['bbox']
        if not (isinstance(bbox, (list, tuple)) and len(bbox) == 4
                and all(_is_number(v) for v in bbox)):
            raise ValueError(f'{self.ann_file}: annotation id {ann.get("id")} has bbox '
                             f'{str(bbox)[:80]}, expected four numbers [x, y, w, h]')
        return tuple(float(v) for v in bbox)

    def _parse_keypoints(self, ann: dict) -> Tuple[np.ndarray, np.ndarray]:
        """(1, K, 2) keypoints and (1, K) 0/1 visibility of a COCO annotation."""
        expected = self._metainfo['num_keypoints']
        raw = ann['keypoints']
        if not (isinstance(raw, (list, tuple)) and all(_is_number(v) for v in raw)):
            raise ValueError(f'{self.ann_file}: annotation id {ann.get("id")} has keypoints '
                             f'{str(raw)[:80]}, expected a list of numbers (x, y, v per '
                             'keypoint)')
        values = np.asarray(raw, dtype=np.float32)
        if values.size != expected * 3:
            raise ValueError(
                f'{self.ann_file}: annotation id {ann.get("id")} has {values.size / 3:g} '
                f'keypoints ({values.size} values), expected {expected} for dataset '
                f'{self._metainfo["dataset_name"]!r} (x, y, v per keypoint)')
        values = values.reshape(1, expected, 3)
        # COCO v: 0 unlabelled, 1 labelled but occluded, 2 visible; both labelled kinds train
        return values[..., :2].copy(), np.minimum(1, values[..., 2])

    def _load_detection_results(self) -> List[dict]:
        """One info dict per detected box of a category of ``ann_file``."""
        coco = self._load_coco()
        with open(self.bbox_file) as f:
            detections = json.load(f)
        if not isinstance(detections, list):
            raise ValueError(f'{self.bbox_file} must hold a list of detections, got '
                             f'{type(detections).__name__}')
        category_ids = set(coco.getCatIds())
        for index, det in enumerate(detections):
            if not isinstance(det, dict):
                raise ValueError(f'{self.bbox_file}: detection #{index} is a '
                                 f'{type(det).__name__}, not an object')
        data_list = [
            self._parse_detection(det, index, coco) for index, det in enumerate(detections)
            if det.get('category_id') in category_ids
        ]
        for new_id, data_info in enumerate(data_list):
            data_info['id'] = new_id
        dropped = len(detections) - len(data_list)
        if dropped:
            print_log(f'{type(self).__name__}: {dropped} of {len(detections)} detections in '
                      f'{self.bbox_file} are not of categories {sorted(category_ids)} of '
                      f'{self.ann_file} and were skipped', logger='current', level=logging.INFO)
        return data_list

    def _parse_detection(self, det: dict, index: int, coco: COCO) -> dict:
        """Data info of one detection, with dummy keypoints (all visible, at 0)."""
        missing = [key for key in ('image_id', 'bbox', 'score') if key not in det]
        if missing:
            raise ValueError(f'{self.bbox_file}: detection #{index} lacks {missing}')
        if det['image_id'] not in coco.imgs:
            raise ValueError(f'{self.bbox_file}: detection #{index} refers to image_id '
                             f'{det["image_id"]}, which {self.ann_file} does not list')
        if not (isinstance(det['bbox'], list) and len(det['bbox']) == 4
                and all(_is_number(v) for v in det['bbox']) and _is_number(det['score'])):
            raise ValueError(f'{self.bbox_file}: detection #{index} has bbox '
                             f'{str(det["bbox"])[:80]} and score {str(det["score"])[:20]}; '
                             'expected four numbers [x, y, w, h] and a number')
        img = coco.imgs[det['image_id']]
        num_keypoints = self._metainfo['num_keypoints']
        bbox = bbox_xywh2xyxy(np.asarray(det['bbox'], dtype=np.float32).reshape(1, 4))
        return dict(
            img_id=det['image_id'],
            img_path=osp.join(self.data_prefix.get('img', ''), img['file_name']),
            id=index,
            category_id=det['category_id'],
            bbox=bbox,
            bbox_score=np.array([det['score']], dtype=np.float32),
            keypoints=np.zeros((1, num_keypoints, 2), dtype=np.float32),
            keypoints_visible=np.ones((1, num_keypoints), dtype=np.float32),
            num_keypoints=0,
            area=np.array([det['bbox'][2] * det['bbox'][3]], dtype=np.float32),
            iscrowd=0)

    # -------------------------------------------------------------- filtering
    def filter_data(self) -> List[dict]:
        """Apply ``filter_cfg`` and drop degenerate boxes, logging counts per reason."""
        reasons: Dict[str, int] = Counter()
        kept = []
        for data_info in self.data_list:
            reason = self._rejection_reason(data_info)
            if reason is None:
                kept.append(data_info)
            else:
                reasons[reason] += 1
        source = self.bbox_file or self.ann_file
        detail = ', '.join(f'{count} {reason}' for reason, count in reasons.items())
        if not kept:
            raise ValueError(f'{type(self).__name__}: no instance of {source} is left to '
                             f'{"test" if self.test_mode else "train"} on (of '
                             f'{len(self.data_list)}; filtered out: {detail or "none"})')
        if reasons:
            print_log(f'{type(self).__name__}: kept {len(kept)} of {len(self.data_list)} '
                      f'instances of {source}; filtered out: {detail}', logger='current',
                      level=logging.INFO)
        return kept

    def _rejection_reason(self, data_info: dict) -> Optional[str]:
        """Why ``data_info`` is filtered out, or None to keep it."""
        cfg = self.filter_cfg or {}
        if not np.isfinite(data_info['bbox']).all():
            return 'with a box that is not finite (NaN or infinity)'
        if not np.isfinite(data_info['keypoints']).all():
            return 'with keypoints that are not finite (NaN or infinity)'
        width, height = data_info['bbox'][0, 2:4] - data_info['bbox'][0, 0:2]
        if width <= 0 or height <= 0:
            return 'with an empty box'
        if 'bbox_score_thr' in cfg and data_info['bbox_score'][0] < cfg['bbox_score_thr']:
            return f'with bbox score < {cfg["bbox_score_thr"]}'
        if cfg.get('filter_empty_gt', True) and not self.bbox_file:
            if data_info.get('iscrowd', 0):
                return 'crowd annotations'
            min_keypoints = cfg.get('min_keypoints', 1)
            if data_info['num_keypoints'] < min_keypoints:
                return f'with fewer than {min_keypoints} labelled keypoints'
        return None
