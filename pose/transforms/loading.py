"""Image loading."""
import logging
import os.path as osp
from typing import Optional, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine import fileio
from mmengine.logging import print_log

from engine import SkipCounter
from pose.registry import TRANSFORMS

_COLOR_FLAGS = {'color': cv2.IMREAD_COLOR, 'grayscale': cv2.IMREAD_GRAYSCALE,
                'unchanged': cv2.IMREAD_UNCHANGED}


@TRANSFORMS.register_module()
class LoadImage(BaseTransform):
    """Read ``results['img_path']`` into ``results['img']`` (H, W, 3) uint8 **BGR**.

    An ``img`` already in the results (e.g. from an inferencer) is used as is. Adds
    ``img_shape`` and ``ori_shape`` (h, w). The model's data preprocessor converts BGR to RGB.

    Top-down samples are people, not images: a test set of detections holds about 20 boxes
    per COCO image, one after the other. The last image decoded is kept (per dataloader
    worker) and handed out again, read-only, while the samples stay on it, so each image is
    decoded once per run of its boxes instead of once per box. The transforms after it make
    new arrays (the flip, the affine crop); one that wrote into the image in place would
    fail on the read-only array instead of changing the next sample's.

    Args:
        to_float32: return a float32 image instead of uint8.
        color_type: 'color', 'grayscale' or 'unchanged'.
        backend_args: mmengine file backend arguments (None reads the local disk).
        skip_corrupt: for training pipelines: return None for an image that cannot be decoded,
            with a warning naming it, so that mmengine's ``BaseDataset`` loads another sample
            instead; the skips are counted and the total is logged at the end of training
            (``SkippedSampleReportHook``). Test-mode datasets refuse None: evaluation never
            skips samples.
        reuse_last: hand out the last decoded image again for the same path (see above);
            False decodes every sample.

    Raises:
        FileNotFoundError when the file is missing, ValueError when it cannot be decoded
        (unless ``skip_corrupt``); both name the path.
    """

    def __init__(self, to_float32: bool = False, color_type: str = 'color',
                 backend_args: Optional[dict] = None, skip_corrupt: bool = False,
                 reuse_last: bool = True) -> None:
        if color_type not in _COLOR_FLAGS:
            raise ValueError(f'color_type must be one of {sorted(_COLOR_FLAGS)}, got '
                             f'{color_type!r}')
        self.to_float32 = to_float32
        self.color_type = color_type
        self.backend_args = backend_args
        self.skip_corrupt = skip_corrupt
        self.reuse_last = reuse_last
        self._last: Tuple[Optional[str], Optional[np.ndarray]] = (None, None)
        self._skipped = SkipCounter('corrupt images (LoadImage skip_corrupt=True)') \
            if skip_corrupt else None

    def transform(self, results: dict) -> Optional[dict]:
        img = results.get('img')
        if img is None:
            try:
                img = self._decoded(results['img_path'])
            except _CorruptImageError as error:
                if self._skipped is None:
                    raise
                self._skipped.add()
                # The running count also keeps mmengine's logger from dropping repeats of
                # the same message.
                print_log(f'skipped a sample ({self._skipped.total()} so far): {error}',
                          logger='current', level=logging.WARNING)
                return None
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    @property
    def skipped(self) -> int:
        """Corrupt images skipped so far, by every process sharing this transform (0 unless
        ``skip_corrupt``)."""
        return 0 if self._skipped is None else self._skipped.total()

    def _decoded(self, path: str) -> np.ndarray:
        """The image at ``path``: the last one again if it is the same file."""
        if not self.reuse_last:
            return self._read(path)
        last_path, last_img = self._last
        if path != last_path:
            last_img = self._read(path)
            last_img.flags.writeable = False
            self._last = (path, last_img)
        return last_img

    def _read(self, path: str) -> np.ndarray:
        """Decode the image file at ``path``."""
        if self.backend_args is None and not osp.isfile(path):
            raise FileNotFoundError(f'Image file {path!r} does not exist')
        buffer = np.frombuffer(fileio.get(path, backend_args=self.backend_args), np.uint8)
        img = cv2.imdecode(buffer, _COLOR_FLAGS[self.color_type]) if buffer.size else None
        if img is None:
            raise _CorruptImageError(f'Image file {path!r} could not be decoded (corrupt or '
                                     'not an image)')
        return img

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(to_float32={self.to_float32}, '
                f'color_type={self.color_type!r}, backend_args={self.backend_args}, '
                f'skip_corrupt={self.skip_corrupt}, reuse_last={self.reuse_last})')


class _CorruptImageError(ValueError):
    """An image file that exists but cannot be decoded."""
