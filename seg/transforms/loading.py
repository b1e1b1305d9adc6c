"""Image and label map loading that name the file they cannot read; corrupt training images
can be skipped instead."""
import logging
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio
from mmengine.logging import print_log
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS

from engine import SkipCounter


@TRANSFORMS.register_module()
class LoadImage(LoadImageFromFile):
    """mmcv's :class:`~mmcv.transforms.LoadImageFromFile` (same arguments) that names the
    image it cannot read, and that training pipelines can let skip corrupt images.

    mmcv reports an undecodable image as ``AssertionError: failed to load image`` (cv2) or
    with the decoder's own message, which does not name the file (pillow). This step raises
    instead, with the path (as the pose package's ``LoadImage`` and :class:`LoadSegAnnotations`
    do):

    - ``FileNotFoundError`` when the file does not exist;
    - ``ValueError`` when it cannot be decoded, with the decoder's error chained as the cause.

    Args:
        skip_corrupt: for training pipelines: return None for an image that cannot be decoded,
            with a warning naming it, so that the dataset (mmengine's ``BaseDataset``, which
            mmseg's datasets are) loads another sample instead; the skips are counted and the
            total is logged at the end of training (``SkippedSampleReportHook``). Test-mode
            datasets refuse None: evaluation never skips samples. A missing file is not
            skipped: it is a wrong data root or split rather than a damaged image.
        **kwargs: :class:`~mmcv.transforms.LoadImageFromFile`'s (``to_float32``,
            ``color_type``, ``imdecode_backend``, ``ignore_empty``, ``backend_args``). With
            ``ignore_empty=True`` mmcv's behaviour is kept: None for any unreadable image,
            neither named nor counted.
    """

    def __init__(self, skip_corrupt: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.skip_corrupt = skip_corrupt
        self._skipped = SkipCounter('corrupt images (LoadImage skip_corrupt=True)') \
            if skip_corrupt else None

    def transform(self, results: dict) -> Optional[dict]:
        """Load ``results['img_path']`` into ``results['img']`` (H, W, 3) uint8 BGR, with
        ``img_shape`` and ``ori_shape``; None for a corrupt image with ``skip_corrupt``."""
        if self.ignore_empty:
            return super().transform(results)
        path = results['img_path']
        try:
            return super().transform(results)
        except FileNotFoundError as error:
            raise FileNotFoundError(f'Image file {path!r} does not exist') from error
        # cv2 returns None for bytes it cannot decode (mmcv's assert then fails), Pillow
        # raises OSError, SyntaxError or ValueError: every failure is the file's.
        except Exception as error:
            detail = '' if isinstance(error, AssertionError) else (
                f': {type(error).__name__}: {error}')
            corrupt = ValueError(f'Image file {path!r} could not be decoded (corrupt or not an '
                                 f'image){detail}')
            if self._skipped is None:
                raise corrupt from error
        self._skipped.add()
        # The running count also keeps mmengine's logger from dropping repeats of the same
        # message.
        print_log(f'skipped a sample ({self._skipped.total()} so far): {corrupt}',
                  logger='current', level=logging.WARNING)
        return None

    @property
    def skipped(self) -> int:
        """Corrupt images skipped so far, by every process sharing this transform (0 unless
        ``skip_corrupt``)."""
        return 0 if self._skipped is None else self._skipped.total()

    def __repr__(self) -> str:
        return f'{super().__repr__()[:-1]}, skip_corrupt={self.skip_corrupt})'


@TRANSFORMS.register_module()
class LoadSegAnnotations(LoadAnnotations):
    """mmseg's :class:`~mmseg.datasets.transforms.LoadAnnotations` (same arguments) that reads
    the label map at its own depth and names it when it cannot be read or used.

    mmseg decodes ``seg_map_path`` without catching anything: a truncated PNG (e.g. left by an
    interrupted conversion) stops training with Pillow's ``image file is truncated`` or
    ``broken PNG file``, a file that is not an image with ``cannot identify image file
    <_io.BytesIO ...>``, and with ``imdecode_backend='cv2'`` with ``'NoneType' object has no
    attribute 'squeeze'``; none of them says which of the dataset's files it is. It also casts
    the map to uint8 before anything checks it, so that in a 16-bit map id 261 trains as class
    5 and id 1000 is reported as 232. This step raises instead, with the path:

    - ``FileNotFoundError`` when the file does not exist;
    - ``ValueError`` when it cannot be decoded (the decoder's exception chained as the cause),
      has more than one channel, or holds ids that do not fit mmseg's 8-bit label maps
      (negative, above 255, or not integers), listing them.

    ``reduce_zero_label`` and a dataset's ``label_map`` then apply as in mmseg
    (``mmseg/datasets/transforms/loading.py``, ``LoadAnnotations._load_seg_map``); mmseg's own
    check that the dataset and this step agree on ``reduce_zero_label`` (an
    ``AssertionError``) is a configuration error, not a bad file, and is left as it is.

    A sample without ``seg_map_path`` passes unchanged: mmseg's ``inference_model`` and
    ``SegInferencer`` remove only steps typed ``LoadAnnotations`` from the test pipeline and
    then feed this one a bare image.
    """

    def transform(self, results: dict) -> dict:
        """Load ``results['seg_map_path']`` into ``results['gt_seg_map']`` (uint8, H x W)."""
        if results.get('seg_map_path') is None:
            return results
        return super().transform(results)

    def _load_seg_map(self, results: dict) -> None:
        label = self._read(results['seg_map_path'])
        if self.reduce_zero_label is None:
            self.reduce_zero_label = results['reduce_zero_label']
        assert self.reduce_zero_label == results['reduce_zero_label'], \
            'Initialize dataset with `reduce_zero_label` as ' \
            f'{results["reduce_zero_label"]} but when load annotation ' \
            f'the `reduce_zero_label` is {self.reduce_zero_label}'
        if self.reduce_zero_label:  # 0 (unlabelled) and 255 -> 255, k -> k - 1
            label = np.where((label == 0) | (label == 255), 255, label - 1).astype(np.uint8)
        if results.get('label_map') is not None:
            original = label.copy()
            for old_id, new_id in results['label_map'].items():
                label[original == old_id] = new_id
        results['gt_seg_map'] = label
        results['seg_fields'].append('gt_seg_map')

    def _read(self, path: str) -> np.ndarray:
        """The label map of ``path`` as (H, W) uint8, every id checked to fit."""
        try:
            data = fileio.get(path, backend_args=self.backend_args)
        except FileNotFoundError as error:
            raise FileNotFoundError(f'Label map {path!r} does not exist') from error
        try:
            label = mmcv.imfrombytes(data, flag='unchanged', backend=self.imdecode_backend)
        # Pillow reports a bad PNG as OSError, SyntaxError or ValueError, cv2 by returning
        # None: every failure of the decoder is the file's.
        except Exception as error:
            raise ValueError(f'Label map {path!r} could not be decoded (corrupt, truncated or '
                             f'not an image): {type(error).__name__}: {error}') from error
        if label is None:
            raise ValueError(f'Label map {path!r} could not be decoded (corrupt, truncated or '
                             'not an image)')
        label = label.squeeze()
        if label.ndim != 2:
            raise ValueError(f'Label map {path!r} has shape {label.shape}: a label map has one '
                             'channel of class ids')
        if label.dtype == np.uint8:
            return label
        if not np.issubdtype(label.dtype, np.integer):
            raise ValueError(f'Label map {path!r} holds {label.dtype} values, not class ids')
        ids = np.unique(label)
        wide = ids[(ids < 0) | (ids > 255)]
        if wide.size:
            raise ValueError(f'Label map {path!r} ({label.dtype}) holds ids '
                             f'{wide[:10].tolist()}{" ..." if wide.size > 10 else ""}, which '
                             "are neither classes nor the ignore index of mmseg's 8-bit label "
                             'maps (cast to uint8, 261 would train as class 5)')
        return label.astype(np.uint8)
