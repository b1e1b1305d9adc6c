"""The mask target: the person's polygon rasterised, flipped with the image and warped with the
crop onto the heatmap grid (LoadPersonMask, RandomFlip, GenerateMaskTarget)."""
import json
import logging

import cv2
import numpy as np
import pytest
from mmengine.dataset import Compose
from mmengine.logging import MMLogger
from pycocotools import mask as mask_utils

from pose.registry import DATASETS
from pose.transforms import GenerateMaskTarget

CODEC = dict(type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)


def _pipeline(flip_prob=1.0, rotate_prob=1.0):
    return [
        dict(type='LoadImage'),
        dict(type='LoadPersonMask'),
        dict(type='GetBBoxCenterScale'),
        dict(type='RandomFlip', prob=flip_prob),
        dict(type='RandomBBoxTransform', shift_prob=0, scale_factor=(0.8, 1.2),
             rotate_factor=30.0, rotate_prob=rotate_prob),
        dict(type='TopdownAffine', input_size=CODEC['input_size']),
        dict(type='GenerateTarget', encoder=CODEC),
        dict(type='GenerateMaskTarget', encoder=CODEC),
    ]


def _dataset(coco_dir, ann_file='test_coco.json', pipeline=()):
    return DATASETS.build(dict(type='CocoDataset', data_root=str(coco_dir), ann_file=ann_file,
                               data_prefix=dict(img=''), with_masks=True, pipeline=pipeline))


def _direct_heatmap_matrix(center, scale, rotation):
    """Image -> heatmap grid of the crop, from the crop's definition (not the code under test):
    rotate about the box centre by the box rotation, scale the box onto the heatmap, put its
    centre in the heatmap's centre."""
    k = 48 / scale[0]
    matrix = cv2.getRotationMatrix2D((float(center[0]), float(center[1])), rotation, k)
    matrix[:, 2] += np.array([24., 32.]) - center
    return matrix


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_polygon_flipped_and_warped_matches_the_direct_computation(coco_dir, seed):
    np.random.seed(seed)
    dataset = _dataset(coco_dir)
    results = Compose(_pipeline())(dataset.get_data_info(seed))
    assert results['flip'] and results['mask_target'].shape == (1, 64, 48)
    height, width = results['ori_shape']
    rle = mask_utils.merge(mask_utils.frPyObjects(results['segmentation'], height, width))
    mirrored = np.ascontiguousarray(mask_utils.decode(rle)[:, ::-1]).astype(np.float32)
    matrix = _direct_heatmap_matrix(results['input_center'], results['input_scale'],
                                    float(results['bbox_rotation'][0]))
    direct = cv2.warpAffine(mirrored, matrix, (48, 64), flags=cv2.INTER_LINEAR)
    # equal up to cv2's fixed-point sampling (1/32 pixel): a pixel's shift would differ by ~1
    np.testing.assert_allclose(results['mask_target'][0], direct, atol=1e-3)
    clear = np.abs(direct - 0.5) > 1e-3
    np.testing.assert_array_equal((results['mask_target'][0] > 0.5)[clear], (direct > 0.5)[clear])
    assert results['mask_target'].sum() > 20  # a person, not an empty crop
    np.testing.assert_array_equal(results['mask_weights'], 1)


def test_mask_and_keypoint_targets_share_the_grid(coco_dir):
    """A small square polygon around keypoint 0 lands where the keypoint's heatmap peaks,
    whatever the flip and rotation."""
    dataset = _dataset(coco_dir)
    for seed in range(4):
        np.random.seed(seed)
        info = dataset.get_data_info(0)
        x, y = info['keypoints'][0, 0]
        info['segmentation'] = [[x - 6, y - 6, x + 6, y - 6, x + 6, y + 6, x - 6, y + 6]]
        results = Compose(_pipeline(flip_prob=0.5))(info)
        target = results['mask_target'][0]
        rows, cols = np.mgrid[:64, :48]
        centroid = np.array([(cols * target).sum(), (rows * target).sum()]) / target.sum()
        keypoint = results['transformed_keypoints'][0, 0] / 4  # the nose is its own mirror
        np.testing.assert_allclose(centroid, keypoint, atol=0.35)


def test_crowd_regions_are_ignored_and_people_without_masks_weigh_nothing(coco_dir, tmp_path):
    coco = json.loads((coco_dir / 'test_coco.json').read_text())
    image_id = coco['annotations'][0]['image_id']
    image = next(i for i in coco['images'] if i['id'] == image_id)
    crowd = np.zeros((image['height'], image['width']), np.uint8)
    crowd[:, :60] = 1  # a crowd strip at the image's left edge
    rle = mask_utils.encode(np.asfortranarray(crowd))
    coco['annotations'].append(dict(
        id=999, image_id=image_id, category_id=1, iscrowd=1, area=float(crowd.sum()),
        bbox=[0, 0, 60, image['height']], num_keypoints=0, keypoints=[0] * 51,
        segmentation=dict(size=rle['size'], counts=rle['counts'].decode())))
    del coco['annotations'][1]['segmentation']
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    for name in {i['file_name'] for i in coco['images']}:
        (tmp_path / name).symlink_to(coco_dir / name)
    dataset = _dataset(tmp_path, 'ann.json')
    by_id = {dataset.get_data_info(i)['id']: dataset.get_data_info(i) for i in range(len(dataset))}
    assert 999 not in by_id  # crowds train no keypoints
    first = by_id[coco['annotations'][0]['id']]
    assert len(first['crowd_segmentations']) == 1

    pipeline = Compose([dict(type='LoadImage'), dict(type='LoadPersonMask')])
    raster = pipeline(first)['person_mask']
    assert set(np.unique(raster)) == {0, 1, 255}
    assert (raster[:, :60] > 0).all() and not (raster[:, 60:] == 255).any()

    results = Compose(_pipeline(flip_prob=0., rotate_prob=0.))(by_id[coco['annotations'][0]['id']])
    np.testing.assert_array_equal(results['mask_weights'][(results['mask_target'] > 0.99)], 1)
    no_mask = Compose(_pipeline())(by_id[coco['annotations'][1]['id']])
    assert no_mask['person_mask'] is None
    np.testing.assert_array_equal(no_mask['mask_target'], 0)
    np.testing.assert_array_equal(no_mask['mask_weights'], 0)
    assert no_mask['heatmaps'].max() > 0.9  # it still trains its keypoints


def test_crowd_pixels_get_zero_weight():
    mask = np.zeros((256, 192), np.uint8)
    mask[100:150, 50:100] = 1
    mask[:, 150:] = 255
    results = dict(person_mask=mask, input_size=(192, 256), input_center=np.array([96., 128.]),
                   input_scale=np.array([192., 256.]))
    results = GenerateMaskTarget(CODEC)(results)
    weights, target = results['mask_weights'][0], results['mask_target'][0]
    assert (weights[:, 38:] == 0).all() and (weights[:, :37] == 1).all()
    assert target[25:37, 13:24].min() == 1 and target[:, 30:].max() == 0


def test_missing_segmentation_field_says_with_masks(coco_dir):
    dataset = DATASETS.build(dict(type='CocoDataset', data_root=str(coco_dir),
                                  ann_file='test_coco.json', data_prefix=dict(img='')))
    with pytest.raises(KeyError, match='with_masks=True'):
        Compose(_pipeline())(dataset.get_data_info(0))


def test_codec_and_crop_size_must_agree(coco_dir):
    pipeline = _pipeline()
    pipeline[-1] = dict(type='GenerateMaskTarget', encoder=dict(CODEC, input_size=(288, 384),
                                                                   heatmap_size=(72, 96)))
    with pytest.raises(ValueError, match="codec's input_size"):
        Compose(pipeline)(_dataset(coco_dir).get_data_info(0))


class _Records(logging.Handler):
    """Keeps the log's messages."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_without_segmentations_the_dataset_says_so_once(coco_dir, tmp_path):
    coco = json.loads((coco_dir / 'test_coco.json').read_text())
    for ann in coco['annotations']:
        ann.pop('segmentation')
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    logger, records = MMLogger.get_current_instance(), _Records()
    logger.addHandler(records)
    try:
        dataset = _dataset(tmp_path, 'ann.json')
    finally:
        logger.removeHandler(records)
    said = [m for m in records.messages if 'have no segmentation' in m]
    assert len(said) == 1 and '14 of 14 instances' in said[0] and 'mask loss weight 0' in said[0]
    assert all(dataset.get_data_info(i)['segmentation'] is None for i in range(len(dataset)))
