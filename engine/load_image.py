"""Image loading for pose and segmentation pipelines: mmcv's ``LoadImageFromFile`` that names
the file it cannot read, can let training skip corrupt images, and decodes an image once for
consecutive samples of it. Each task registers it in its own registry as ``LoadImage``."""
from typing import Optional, Tuple

import numpy as np
from mmcv.transforms import LoadImageFromFile

from .skip_counter import SkipCounter


class LoadImage(LoadImageFromFile):
    """:class:`~mmcv.transforms.LoadImageFromFile` (same arguments): ``results['img_path']``
    into ``results['img']`` (H, W, 3) uint8 BGR by default, with ``img_shape`` and
    ``ori_shape``. An ``img`` already in the results (from an inferencer) is used as it is.

    mmcv reports an undecodable image as ``AssertionError: failed to load image`` (cv2) or
    with the decoder's own message, which does not name the file (pillow). This step raises
    instead, with the path: ``FileNotFoundError`` when the file does not exist, ``ValueError``
    when it cannot be decoded (the decoder's error chained as the cause).

    Top-down pose samples are people, not images: a test set of detections holds about 20
    boxes per COCO image, one after the other. With ``reuse_last`` the last image decoded is
    kept (per dataloader worker) and handed out again, read-only, while the samples stay on
    it, so each image is decoded once per run of its boxes; a later transform that wrote into
    it in place would fail on the read-only array instead of changing the next sample's.

    Args:
        skip_corrupt: for training pipelines: return None for an image that cannot be decoded,
            with a warning naming it, so that mmengine's ``BaseDataset`` loads another sample
            instead; the skips are counted and the total is logged at the end of training
            (``SkippedSampleReportHook``). Test-mode datasets refuse None: evaluation never
            skips samples. A missing file is not skipped: it is a wrong data root or split
            rather than a damaged image.
        reuse_last: hand out the last decoded image again for the same path (see above).
        **kwargs: :class:`~mmcv.transforms.LoadImageFromFile`'s (``to_float32``,
            ``color_type``, ``imdecode_backend``, ``ignore_empty``, ``backend_args``). With
            ``ignore_empty=True`` mmcv's behaviour is kept: None for any unreadable image,
            neither named nor counted.
    """

    def __init__(self, skip_corrupt: bool = False, reuse_last: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.skip_corrupt = skip_corrupt
        self.reuse_last = reuse_last
        self._last: Tuple[Optional[str], Optional[np.ndarray]] = (None, None)
        self._skipped = SkipCounter('corrupt images (LoadImage skip_corrupt=True)') \
            if skip_corrupt else None

    def transform(self, results: dict) -> Optional[dict]:
        """Load the image (see the class docstring); None for a corrupt one with
        ``skip_corrupt``."""
        img = results.get('img')
        if img is None:
            path = results['img_path']
            last_path, img = self._last
            if not (self.reuse_last and path == last_path):
                img = self._decoded(path)
                if img is None:
                    return None
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def _decoded(self, path: str) -> Optional[np.ndarray]:
        if self.ignore_empty:
            loaded = super().transform(dict(img_path=path))
            return None if loaded is None else loaded['img']
        try:
            img = super().transform(dict(img_path=path))['img']
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
            self._skipped.skip(corrupt)
            return None
        if self.reuse_last:
            img.flags.writeable = False
            self._last = (path, img)
        return img

    @property
    def skipped(self) -> int:
        """Corrupt images skipped so far, by every process sharing this transform (0 unless
        ``skip_corrupt``)."""
        return 0 if self._skipped is None else self._skipped.total()

    def __repr__(self) -> str:
        return (f'{super().__repr__()[:-1]}, skip_corrupt={self.skip_corrupt}, '
                f'reuse_last={self.reuse_last})')
