"""A person's silhouette between the image and the crop's heatmap grid.

The mask head predicts on the heatmaps' grid (the network input divided by the codec's
``scale_factor``), so a mask goes through the same two maps as the keypoints: image ->
network input (the crop's affine, :func:`get_warp_matrix`) and input -> heatmap (the codec).
COCO segmentations (polygons, RLE) are rasterised at image size first, as COCO's own
evaluation rasterises the ground truth, and then warped like the image is.

The RLE codec is pycocotools' (xtcocotools 1.14.3's ``decode`` fails under numpy 2: it uses
``np.NPY_OWNDATA``, which numpy 2 removed); the RLE format is the same for both.
"""
import numbers
from typing import List, Sequence, Tuple, Union

import cv2
import numpy as np
from pycocotools import mask as mask_utils

from .bbox_transforms import get_warp_matrix

Segmentation = Union[list, dict]


def image_to_heatmap_matrix(center: np.ndarray, scale: np.ndarray, rotation: float, codec,
                            inv: bool = False) -> np.ndarray:
    """(2, 3) float64 affine from image pixels to the codec's heatmap pixels for the crop
    (``center``, ``scale``, ``rotation``), or back when ``inv``.

    The crop's affine onto the network input (:func:`get_warp_matrix` with the codec's
    ``input_size`` and ``use_udp``), then the codec's input -> heatmap factor
    (``1 / scale_factor``): the grid on which the codec encodes and decodes keypoints.
    """
    use_udp = getattr(codec, 'use_udp', False)
    factor = np.asarray(codec.scale_factor, dtype=np.float64)
    crop = get_warp_matrix(center, scale, rotation, codec.input_size, use_udp,
                           inv=inv).astype(np.float64)
    if inv:  # heatmap -> input (times factor, per axis), then input -> image
        return np.concatenate([crop[:, :2] * factor, crop[:, 2:]], axis=1)
    return crop / factor[:, None]


def segmentation_to_mask(segmentation: Segmentation, image_shape: Tuple[int, int],
                         where: str) -> np.ndarray:
    """(H, W) uint8 {0, 1} raster of a COCO ``segmentation`` in an image of ``image_shape``.

    Polygons (a list of ``[x1, y1, x2, y2, ...]`` lists, each of at least three points),
    uncompressed RLE (``counts`` a list) and compressed RLE (``counts`` a string) are
    accepted; an RLE must have the image's ``size``. ``where`` names the annotation in the
    errors (e.g. ``"ann.json: annotation id 7"``).
    """
    height, width = int(image_shape[0]), int(image_shape[1])
    if isinstance(segmentation, dict):
        rle = _checked_rle(segmentation, (height, width), where)
    elif isinstance(segmentation, list):
        rle = mask_utils.merge(mask_utils.frPyObjects(_checked_polygons(segmentation, where),
                                                      height, width))
    else:
        raise ValueError(f'{where}: segmentation is a {type(segmentation).__name__}; expected '
                         'polygons (a list of coordinate lists) or an RLE dict')
    return mask_utils.decode(rle).astype(np.uint8)


def _checked_polygons(polygons: list, where: str) -> list:
    """The polygons as float lists, after checking that each is a list of >= 6 numbers in
    (x, y) pairs; an empty list is an error (no silhouette is not an empty silhouette)."""
    if not polygons:
        raise ValueError(f'{where}: segmentation is an empty polygon list')
    checked = []
    for index, polygon in enumerate(polygons):
        if not (isinstance(polygon, (list, tuple)) and len(polygon) >= 6 and len(polygon) % 2 == 0
                and all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                        for v in polygon)):
            raise ValueError(f'{where}: polygon #{index} of the segmentation is '
                             f'{str(polygon)[:80]}; expected an even count (>= 6) of numbers '
                             'x1, y1, x2, y2, ...')
        values = np.asarray(polygon, dtype=np.float64)
        if not np.isfinite(values).all():
            raise ValueError(f'{where}: polygon #{index} of the segmentation has a coordinate '
                             'that is not finite')
        checked.append(values.tolist())
    return checked


def _checked_rle(rle: dict, image_shape: Tuple[int, int], where: str) -> dict:
    """A compressed RLE of an image of ``image_shape`` (uncompressed ones are converted)."""
    size, counts = rle.get('size'), rle.get('counts')
    if not (isinstance(size, (list, tuple)) and len(size) == 2
            and all(isinstance(v, int) for v in size)):
        raise ValueError(f'{where}: RLE segmentation has size {str(size)[:40]}; expected '
                         '[height, width]')
    if tuple(size) != tuple(image_shape):
        raise ValueError(f'{where}: RLE segmentation is for a {size[0]}x{size[1]} image, but '
                         f'the image is {image_shape[0]}x{image_shape[1]}')
    if isinstance(counts, list):
        if not all(isinstance(v, int) and v >= 0 for v in counts) or sum(counts) != (
                size[0] * size[1]):
            raise ValueError(f'{where}: uncompressed RLE counts must be non-negative integers '
                             f'summing to height * width = {size[0] * size[1]}')
        return mask_utils.frPyObjects(dict(size=list(size), counts=counts), *size)
    if isinstance(counts, (str, bytes)):
        encoded = counts.encode() if isinstance(counts, str) else counts
        try:
            runs = _compressed_runs(encoded)
        except ValueError as error:
            raise ValueError(f'{where}: compressed RLE counts: {error}') from None
        if min(runs, default=0) < 0 or sum(runs) != size[0] * size[1]:
            raise ValueError(f'{where}: compressed RLE counts must decode to non-negative run '
                             f'lengths summing to height * width = {size[0] * size[1]}')
        return dict(size=list(size), counts=encoded)
    raise ValueError(f'{where}: RLE counts is a {type(counts).__name__}; expected a list or '
                     'a string')


def _compressed_runs(counts: bytes) -> List[int]:
    """The run lengths of a COCO compressed RLE string, decoded as pycocotools' ``rleFrString``
    decodes it: 6-bit digits offset by 48, 5 bits of value each, bit 0x20 continuing a number,
    bit 0x10 of its last digit its sign, and each run after the second stored as the difference
    from the run two before.

    Checked here because pycocotools does not: a string ending inside a number makes it read
    past the string's end, a character outside the alphabet decodes to arbitrary runs, and runs
    summing to less than the image leave the rest of the decoded mask uninitialised memory.

    Raises:
        ValueError: naming the first bad character, or the unfinished number.
    """
    runs: List[int] = []
    value = shift = 0
    for position, char in enumerate(counts):
        digit = char - 48
        if not 0 <= digit < 64:
            raise ValueError(f'character {chr(char)!r} at {position} is outside the RLE '
                             "alphabet ('0' to 'o')")
        value |= (digit & 0x1f) << shift
        shift += 5
        if digit & 0x20:
            continue
        if digit & 0x10:
            value -= 1 << shift
        if len(runs) > 2:
            value += runs[-2]
        runs.append(value)
        value = shift = 0
    if shift:
        raise ValueError('the string ends inside a number')
    return runs


def warp_to_heatmap(mask: np.ndarray, matrix: np.ndarray,
                    heatmap_size: Sequence[int]) -> np.ndarray:
    """(h, w) float32 in [0, 1]: an (H, W) {0, 1} image-sized mask sampled bilinearly on the
    heatmap grid of ``matrix`` (:func:`image_to_heatmap_matrix`); 0 outside the image."""
    width, height = int(heatmap_size[0]), int(heatmap_size[1])
    return cv2.warpAffine(mask.astype(np.float32), matrix, (width, height),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def paste_mask(mask: np.ndarray, center: np.ndarray, scale: np.ndarray, codec,
               image_shape: Tuple[int, int], threshold: float = 0.5) -> np.ndarray:
    """(H, W) bool silhouette in the image from a crop's (h, w) mask probabilities.

    The heatmap grid is mapped back by the inverse of :func:`image_to_heatmap_matrix`
    (unrotated: test-time crops are), the probabilities interpolated bilinearly and kept
    above ``threshold``; pixels outside the crop are background. Strictly above: a cell of
    probability 1 beside cells of 0 then covers the image pixels within a quarter cell of its
    centre's span, corners included (at a stride of 4, pixels 4u - 1 .. 4u + 1 of the crop), the
    same pixels whose centres bilinear sampling puts in that cell when the target is made.
    """
    height, width = int(image_shape[0]), int(image_shape[1])
    matrix = image_to_heatmap_matrix(center, scale, 0., codec, inv=True)
    probs = cv2.warpAffine(np.asarray(mask, dtype=np.float32), matrix, (width, height),
                           flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                           borderValue=0)
    return probs > threshold


def mask_to_rle(mask: np.ndarray) -> dict:
    """COCO compressed RLE (``size`` [H, W], ``counts`` str, json-ready) of an (H, W) mask."""
    rle = mask_utils.encode(np.asfortranarray(np.asarray(mask, dtype=np.uint8)))
    return dict(size=[int(v) for v in rle['size']], counts=rle['counts'].decode('ascii'))
