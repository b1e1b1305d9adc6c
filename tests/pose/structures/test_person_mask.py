"""A silhouette's way between the image and the heatmap grid: rasterising, warping, pasting
back, RLE."""
import numpy as np
import pytest
from pycocotools import mask as mask_utils

from pose.codecs import MSRAHeatmap, UDPHeatmap
from pose.structures import (image_to_heatmap_matrix, mask_to_rle, paste_mask,
                             segmentation_to_mask, warp_to_heatmap)

CODEC = MSRAHeatmap(input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
IMAGE = (480, 640)
# a crop of the image at one image pixel per input pixel: heatmap cell u is centred on image
# pixel ox + 4u (MSRAHeatmap's grid), and a cell of 1 among 0s pastes onto ox + 4u - 1 .. ox + 4u + 1
OX, OY = 100, 50
CENTER, SCALE = np.array([96. + OX, 128. + OY]), np.array([192., 256.])


def _box_filling_cells(cols, rows):
    """The image box whose heatmap cells are exactly ``cols`` x ``rows`` (inclusive)."""
    box = np.zeros(IMAGE, bool)
    box[OY + 4 * rows[0] - 1:OY + 4 * rows[1] + 2, OX + 4 * cols[0] - 1:OX + 4 * cols[1] + 2] = 1
    return box


def _iou(a, b):
    return (a & b).sum() / (a | b).sum()


def test_a_mask_filling_its_box_pastes_back_with_iou_1():
    heatmap_mask = np.zeros((64, 48), np.float32)
    heatmap_mask[10:51, 5:31] = 1
    pasted = paste_mask(heatmap_mask, CENTER, SCALE, CODEC, IMAGE)
    assert pasted.shape == IMAGE and pasted.dtype == bool
    assert _iou(pasted, _box_filling_cells((5, 30), (10, 50))) == 1.0
    # one cell further is 4 pixels further: the grid is the codec's, not off by one
    heatmap_mask[10:51, 31] = 1
    grown = paste_mask(heatmap_mask, CENTER, SCALE, CODEC, IMAGE)
    assert _iou(grown, _box_filling_cells((5, 31), (10, 50))) == 1.0


@pytest.mark.parametrize('codec,min_iou', [(CODEC, 1.0),
                                           (UDPHeatmap((192, 256), (48, 64), sigma=2), 0.96)])
def test_image_box_to_heatmap_and_back(codec, min_iou):
    box = _box_filling_cells((5, 30), (10, 50))
    target = warp_to_heatmap(box, image_to_heatmap_matrix(CENTER, SCALE, 0., codec), (48, 64))
    assert target.shape == (64, 48) and 0 <= target.min() and target.max() <= 1
    assert _iou(paste_mask(target, CENTER, SCALE, codec, IMAGE), box) >= min_iou


def test_polygons_and_both_rle_forms_rasterise_alike():
    polygon = [[200, 100, 340, 100, 340, 300, 200, 300]]
    mask = segmentation_to_mask(polygon, IMAGE, 'test')
    assert mask.dtype == np.uint8 and mask.sum() == 140 * 200 and mask[100, 200] == 1
    compressed = mask_to_rle(mask)
    assert isinstance(compressed['counts'], str) and compressed['size'] == list(IMAGE)
    np.testing.assert_array_equal(segmentation_to_mask(compressed, IMAGE, 'test'), mask)
    # uncompressed RLE: column-major run lengths, background first
    flat = mask.flatten(order='F')
    changes = np.flatnonzero(np.diff(flat)) + 1
    counts = np.diff(np.concatenate([[0], changes, [flat.size]])).tolist()
    uncompressed = dict(size=list(IMAGE), counts=counts)
    np.testing.assert_array_equal(segmentation_to_mask(uncompressed, IMAGE, 'test'), mask)
    np.testing.assert_array_equal(
        mask_utils.decode(mask_utils.frPyObjects(uncompressed, *IMAGE)), mask)


@pytest.mark.parametrize('segmentation,message', [
    ([], 'empty polygon list'),
    ([[1, 2, 3, 4]], 'polygon #0'),
    ([[1, 2, 3, 4, 5, 'x']], 'polygon #0'),
    ([[0, 0, 10, 0, float('nan'), 10]], 'not finite'),
    (dict(size=[10, 10], counts='abc'), 'is for a 10x10 image'),
    (dict(size=list(IMAGE), counts=[5, 5]), 'summing to height * width'),
    # compressed strings pycocotools would decode into uninitialised memory or read past
    (dict(size=list(IMAGE), counts='0'), 'summing to height * width'),
    (dict(size=list(IMAGE), counts='0P'), 'ends inside a number'),
    (dict(size=list(IMAGE), counts='0\x7f'), "character '\\x7f' at 1"),
    (dict(size='480x640', counts=[]), 'expected [height, width]'),
    ('polygon', 'expected polygons'),
])
def test_bad_segmentations_are_named(segmentation, message):
    with pytest.raises(ValueError, match='ann.json: annotation id 3') as error:
        segmentation_to_mask(segmentation, IMAGE, 'ann.json: annotation id 3')
    assert message in str(error.value)


def test_compressed_rles_of_any_mask_pass_the_check_and_decode_to_it():
    """The check's own reading of the compressed string (run lengths, signs, differences two
    runs back) accepts what pycocotools writes, for empty, full and speckled masks."""
    rng = np.random.default_rng(0)
    for density in (0., 1., 0.02, 0.5, 0.98):
        height, width = rng.integers(1, 90, size=2)
        mask = (rng.random((height, width)) < density).astype(np.uint8)
        rle = mask_to_rle(mask)
        np.testing.assert_array_equal(segmentation_to_mask(rle, mask.shape, 'test'), mask)
