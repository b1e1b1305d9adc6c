"""Image and label map loading that name the file they cannot read; corrupt training images
can be skipped instead (the shared ``engine.LoadImage``, registered here for mmseg)."""
import mmcv
import numpy as np
from mmengine import fileio
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS

from engine import LoadImage

TRANSFORMS.register_module(module=LoadImage)


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
