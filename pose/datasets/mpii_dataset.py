"""MPII Human Pose in the HRNet/mmpose json format, with PCKh head sizes."""
import copy
import json
import logging
import os.path as osp
from typing import List, Optional, Tuple

import numpy as np
from mmengine.logging import print_log

from pose.evaluation.functional import mpii_head_sizes
from pose.registry import DATASETS
from pose.structures import bbox_cs2xyxy
from .coco_style_dataset import CocoStyleDataset
from .mat_file import load_mat_arrays
from .metainfo_parser import metainfo_path

# MPII person scales are body heights in units of 200 px
_PIXEL_STD = 200.


@DATASETS.register_module()
class MpiiDataset(CocoStyleDataset):
    """MPII (16 joints), top-down, from the json list used by HRNet and mmpose.

    Each json entry: ``image`` (file name), ``center`` (x, y) and ``scale`` (person height /
    200 px) in 1-based MATLAB pixels, ``joints`` (16, 2) (1-based) and ``joints_vis`` (16,).

    Conversion (as HRNet): the center moves 15 * scale px down (to include the feet), then
    all coordinates become 0-based (- 1); ``bbox`` = center +/- scale * 200 / 2 is the person
    box, without context, like a COCO or detector box (as mmpose 1.x). The pipelines'
    ``GetBBoxCenterScale()`` adds the context padding of 1.25 to every box alike, which gives
    HRNet's training crop of 1.25 * scale * 200 px and pads a user's or a detector's box
    at inference (:func:`pose.apis.inference_topdown`) exactly as a training box.
    Unlike mmpose 1.x, the keypoints are made 0-based too, so they live in the same pixel
    frame as the image and the box (add 1 to compare with MPII's MATLAB ground truth).

    Args:
        headbox_file: the official ``mpii_gt_val.mat``; its ``headboxes_src`` (2, 2, N) holds
            the head box corners of persons in the json order, and gives each sample a
            ``head_size`` (1,) = 0.6 * head box diagonal, for PCKh.
        Others as :class:`CocoStyleDataset` (``bbox_file`` is not supported).
    """

    METAINFO: dict = dict(from_file=metainfo_path('mpii'))

    def __init__(self, *args, headbox_file: Optional[str] = None, **kwargs) -> None:
        if kwargs.get('bbox_file'):
            raise ValueError(f'{type(self).__name__} does not support bbox_file')
        self.headbox_file = headbox_file
        super().__init__(*args, **kwargs)
        self._check_box_padding()

    def _check_box_padding(self) -> None:
        """Warn when the pipeline pads the boxes otherwise than HRNet's MPII recipe.

        The boxes once had the padding built in and pipelines used ``padding=1.0``; such a
        pipeline now crops 20% tighter than the published models were trained on.
        """
        for transform in getattr(self.pipeline, 'transforms', ()):
            padding = getattr(transform, 'padding', None)
            if type(transform).__name__ == 'GetBBoxCenterScale' and padding != 1.25:
                print_log(f'{type(self).__name__}: GetBBoxCenterScale(padding={padding}) crops '
                          f'{padding / 1.25:.2f} x the size of HRNet\'s MPII crop; the boxes '
                          'are person boxes without context, padded 1.25 by the recipe '
                          '(a pipeline written for boxes with the padding built in used '
                          'padding=1.0 and must drop it)', logger='current',
                          level=logging.WARNING)

    def _check_inputs_exist(self) -> None:
        super()._check_inputs_exist()
        if self.headbox_file and not osp.isfile(self.headbox_file):
            raise FileNotFoundError(f'{type(self).__name__}: headbox file '
                                    f'{self.headbox_file!r} does not exist')

    def _load_annotations(self) -> List[dict]:
        """One info dict per json entry, in file order."""
        with open(self.ann_file) as f:
            entries = json.load(f)
        if not isinstance(entries, list):
            raise ValueError(f'{self.ann_file} must hold a list of MPII persons, got '
                             f'{type(entries).__name__}')
        head_sizes = self._load_head_sizes(len(entries)) if self.headbox_file else None
        data_list = []
        for index, entry in enumerate(entries):
            data_info = self._parse_entry(entry, index)
            if head_sizes is not None:
                data_info['head_size'] = head_sizes[index:index + 1]
            data_list.append(data_info)
        return data_list

    def _load_head_sizes(self, num_persons: int) -> np.ndarray:
        """(num_persons,) float32 PCKh head sizes of the first persons of the headbox file."""
        arrays = load_mat_arrays(self.headbox_file)
        if 'headboxes_src' not in arrays:
            raise KeyError(f'{self.headbox_file} has no "headboxes_src" array (found '
                           f'{sorted(arrays)})')
        headboxes = arrays['headboxes_src']  # (2 corners, 2 coords, N)
        if headboxes.shape[:2] != (2, 2) or headboxes.shape[2] < num_persons:
            raise ValueError(f'{self.headbox_file}: headboxes_src has shape {headboxes.shape}, '
                             f'expected (2, 2, >= {num_persons}) for {self.ann_file}')
        return mpii_head_sizes(headboxes[:, :, :num_persons]).astype(np.float32)

    def _parse_entry(self, entry: dict, index: int) -> dict:
        """Data info of the index-th json entry."""
        missing = [key for key in ('image', 'center', 'scale', 'joints', 'joints_vis')
                   if key not in entry]
        if missing:
            raise ValueError(f'{self.ann_file}: entry #{index} lacks {missing}')
        keypoints, keypoints_visible = self._parse_joints(entry, index)
        center, scale = self._center_scale(entry)
        bbox = bbox_cs2xyxy(center, scale)
        return dict(
            img_id=int(osp.splitext(entry['image'])[0]),
            img_path=osp.join(self.data_prefix.get('img', ''), entry['image']),
            id=index,
            category_id=1,
            bbox=bbox,
            bbox_score=np.ones(1, dtype=np.float32),
            keypoints=keypoints,
            keypoints_visible=keypoints_visible,
            num_keypoints=int(np.count_nonzero(keypoints_visible)),
            area=np.prod(scale, axis=1).astype(np.float32),
            iscrowd=0,
            raw_ann_info=copy.deepcopy(entry))

    def _parse_joints(self, entry: dict, index: int) -> Tuple[np.ndarray, np.ndarray]:
        """0-based (1, K, 2) keypoints and (1, K) visibility of a json entry."""
        expected = self._metainfo['num_keypoints']
        joints = np.asarray(entry['joints'], dtype=np.float32)
        visible = np.asarray(entry['joints_vis'], dtype=np.float32).reshape(-1)
        if joints.shape != (expected, 2) or visible.shape != (expected,):
            raise ValueError(
                f'{self.ann_file}: entry #{index} ({entry["image"]}) has joints of shape '
                f'{joints.shape} and joints_vis of {visible.shape}, expected {expected} '
                f'keypoints for dataset {self._metainfo["dataset_name"]!r}')
        return (joints - 1).reshape(1, expected, 2), np.minimum(1, visible).reshape(1, expected)

    @staticmethod
    def _center_scale(entry: dict) -> Tuple[np.ndarray, np.ndarray]:
        """0-based (1, 2) center and (1, 2) person box size (no context padding) in pixels."""
        center = np.array(entry['center'], dtype=np.float32)
        scale = np.full(2, entry['scale'] * _PIXEL_STD, dtype=np.float32)
        if center[0] != -1:
            # MPII centers sit at the hips; HRNet moves them down to keep the legs in the crop
            center[1] += 15. * entry['scale']
        return (center - 1).reshape(1, 2), scale.reshape(1, 2)
