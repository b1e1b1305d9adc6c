"""Label map loading that names the file it cannot read."""
from mmseg.datasets.transforms import LoadAnnotations
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadSegAnnotations(LoadAnnotations):
    """mmseg's :class:`~mmseg.datasets.transforms.LoadAnnotations` (same arguments) that names
    the label map when it cannot be read.

    mmseg decodes ``seg_map_path`` without catching anything: a truncated PNG (e.g. left by an
    interrupted conversion) stops training with Pillow's ``image file is truncated`` or
    ``broken PNG file``, a file that is not an image with ``cannot identify image file
    <_io.BytesIO ...>``, and with ``imdecode_backend='cv2'`` with ``'NoneType' object has no
    attribute 'squeeze'``; none of them says which of the dataset's files it is. This step
    raises instead, with the path (as ``LoadImage`` of the pose package does for images):

    - ``FileNotFoundError`` when the file does not exist;
    - ``ValueError`` when it cannot be decoded, with the decoder's message and the decoder's
      exception chained as the cause.

    mmseg's own check that the dataset and this step agree on ``reduce_zero_label`` (an
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
        path = results['seg_map_path']
        try:
            super()._load_seg_map(results)
        except FileNotFoundError as error:
            raise FileNotFoundError(f'Label map {path!r} does not exist') from error
        except AssertionError:
            raise
        # Pillow reports a bad PNG as OSError, SyntaxError or ValueError, cv2 by returning None
        # (mmseg's `.squeeze()` on it is the AttributeError, whose text would only mislead):
        # every other failure of mmseg's load is the file's.
        except Exception as error:
            detail = '' if isinstance(error, AttributeError) else (
                f': {type(error).__name__}: {error}')
            raise ValueError(f'Label map {path!r} could not be decoded (corrupt, truncated or '
                             f'not an image){detail}') from error
