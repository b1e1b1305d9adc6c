"""A pipeline step that checks a loaded label map against its image and the class range."""
import logging
from typing import Set

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CheckSegLabel(BaseTransform):
    """Check ``gt_seg_map`` right after ``LoadAnnotations``, naming the label file on failure.

    Without it, mmseg lets both faults through: a label map of another size than its image is
    resized and cropped alongside it (training on misaligned labels) or fails inside the metric
    with a mask-shape error; an id outside the classes stops training with ``Target 200 is out
    of bounds`` (a device-side assert on CUDA) and is silently counted as a wrong pixel of the
    predicted class by ``IoUMetric``. Neither message names the file.

    Checks:

    - the label map has the height and width of the image as loaded (``ori_shape``), so the
      step may also follow a test-time ``Resize`` that ran before ``LoadAnnotations``;
    - every id is in ``0 .. num_classes - 1`` or is ``ignore_index`` (ids as ``LoadAnnotations``
      left them: after ``reduce_zero_label``, file id k is checked as k - 1).

    Samples without ``gt_seg_map`` pass unchanged (mmseg's ``inference_model`` drops
    ``LoadAnnotations`` from the test pipeline).

    Args:
        num_classes: number of classes of the dataset.
        ignore_index: the id that marks unlabelled pixels.
        out_of_range: ``'error'`` raises ``ValueError``; ``'ignore'`` sets those pixels to
            ``ignore_index`` and logs a warning once per file (for data with a few stray ids).

    Required keys: ``ori_shape``, ``seg_map_path`` and (optionally) ``gt_seg_map`` (H, W).
    Modified keys: ``gt_seg_map`` (only with ``out_of_range='ignore'``).
    """

    def __init__(self, num_classes: int, ignore_index: int = 255,
                 out_of_range: str = 'error') -> None:
        if out_of_range not in ('error', 'ignore'):
            raise ValueError(f"out_of_range must be 'error' or 'ignore', got {out_of_range!r}")
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.out_of_range = out_of_range
        self._warned: Set[str] = set()

    def transform(self, results: dict) -> dict:
        """Check (and with ``out_of_range='ignore'`` clean) ``results['gt_seg_map']``."""
        label = results.get('gt_seg_map')
        if label is None:
            return results
        path = results.get('seg_map_path', '<label map>')
        image_hw, label_hw = tuple(results['ori_shape'][:2]), tuple(label.shape[:2])
        if image_hw != label_hw:
            raise ValueError(f'{path}: label map is {label_hw[0]}x{label_hw[1]} (HxW) but its '
                             f'image {results.get("img_path", "")} is '
                             f'{image_hw[0]}x{image_hw[1]}')
        bad = self._out_of_range_ids(label)
        if bad.size == 0:
            return results
        where = ' (after reduce_zero_label: file id = id + 1)' if results.get(
            'reduce_zero_label') else ''
        message = (f'{path}: label ids {bad.tolist()}{where} are outside the '
                   f'{self.num_classes} classes 0..{self.num_classes - 1} and are not the '
                   f'ignore index {self.ignore_index}')
        if self.out_of_range == 'error':
            raise ValueError(message)
        if path not in self._warned:
            self._warned.add(path)
            print_log(f'{message}; they are set to {self.ignore_index} (ignored)',
                      logger='current', level=logging.WARNING)
        results['gt_seg_map'] = np.where(np.isin(label, bad), self.ignore_index, label).astype(
            label.dtype)
        return results

    def _out_of_range_ids(self, label: np.ndarray) -> np.ndarray:
        """Sorted ids present in ``label`` that are neither classes nor ``ignore_index``."""
        if label.dtype == np.uint8:
            ids = np.flatnonzero(np.bincount(label.ravel(), minlength=256))  # faster than unique
        else:
            ids = np.unique(label)
        return ids[((ids < 0) | (ids >= self.num_classes)) & (ids != self.ignore_index)]

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(num_classes={self.num_classes}, '
                f'ignore_index={self.ignore_index}, out_of_range={self.out_of_range!r})')
