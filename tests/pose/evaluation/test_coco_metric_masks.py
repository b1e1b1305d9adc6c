"""CocoMetric's mask AP/AR and mask IoU on the bundled COCO val2017 sample (4 images, 14 person
annotations, all with polygons; 12 with keypoints)."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from pose.evaluation import CocoMetric
from pose.evaluation.functional import COCO_SIGMAS
from pose.registry import DATASETS
from pose.structures import segmentation_to_mask

ANN_FILE = Path(__file__).parents[3] / 'data' / 'samples' / 'coco' / 'test_coco.json'
META = dict(dataset_name='coco', num_keypoints=17, sigmas=COCO_SIGMAS)
KEYPOINT_KEYS = ['AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5', 'AR .75', 'AR (M)',
                 'AR (L)']
MASK_KEYS = ['mask_AP', 'mask_AP .5', 'mask_AP .75', 'mask_AP (S)', 'mask_AP (M)', 'mask_AP (L)',
             'mask_AR@1', 'mask_AR@10', 'mask_AR', 'mask_AR (S)', 'mask_AR (M)', 'mask_AR (L)']


def _keypoints(ann: dict) -> np.ndarray:
    """(1, 17, 2) labelled keypoints; for the two annotations without any, points spread on the
    box diagonal (a guess inside the right person, so keypoint AP ignores it)."""
    if ann['num_keypoints'] > 0:
        return np.array(ann['keypoints'], dtype=np.float64).reshape(1, 17, 3)[..., :2].copy()
    x, y, w, h = ann['bbox']
    t = np.linspace(0.1, 0.9, 17)[:, None]
    return (np.array([x, y]) + t * np.array([w, h]))[None]


def _gt_samples() -> list:
    """One top-down sample per annotation (as from ground-truth boxes), predicting its
    keypoints and its rasterised polygons, each (1, H, W) bool.

    COCO's segm evaluation counts every non-crowd person, so the two without keypoints get a
    sample too, scored lowest: a keypoint-less person is ignored by keypoint AP.
    """
    coco = json.loads(ANN_FILE.read_text())
    sizes = {img['id']: (img['height'], img['width']) for img in coco['images']}
    samples = []
    for ann in coco['annotations']:
        shape = sizes[ann['image_id']]
        mask = segmentation_to_mask(ann['segmentation'], shape, f'annotation {ann["id"]}')
        score = 1.0 if ann['num_keypoints'] > 0 else 0.1
        samples.append(
            dict(id=ann['id'], img_id=ann['image_id'], category_id=ann['category_id'],
                 ori_shape=shape,
                 # as CocoStyleDataset packs it: without the polygons
                 raw_ann_info={k: v for k, v in ann.items() if k != 'segmentation'},
                 pred_instances=dict(keypoints=_keypoints(ann), keypoint_scores=np.ones((1, 17)),
                                     bbox_scores=np.array([score]),
                                     masks=mask[None].astype(bool)),
                 gt_instances=dict(bbox_scores=np.ones(1))))
    return samples


def _evaluate(samples: list, **kwargs) -> dict:
    metric = CocoMetric(ann_file=str(ANN_FILE), **kwargs)
    metric.dataset_meta = META
    metric.process([{}] * len(samples), samples)
    return metric.evaluate(len(samples))


def _shifted(mask: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``mask`` (H, W) moved by (dy, dx) >= 0 pixels, background entering at the top left."""
    out = np.zeros_like(mask)
    out[dy:, dx:] = mask[:mask.shape[0] - dy, :mask.shape[1] - dx]
    return out


@pytest.fixture(scope='module')
def samples() -> list:
    return _gt_samples()


def test_ground_truth_masks_score_one(samples):
    results = _evaluate(copy.deepcopy(samples))
    assert list(results) == [f'coco/{k}' for k in KEYPOINT_KEYS + MASK_KEYS + ['mask_IoU']]
    assert results['coco/AP'] == pytest.approx(1.0)
    for key in ('mask_AP', 'mask_AP .5', 'mask_AP .75', 'mask_AP (S)', 'mask_AR'):
        assert results[f'coco/{key}'] == pytest.approx(1.0), key
    assert results['coco/mask_IoU'] == pytest.approx(1.0)


def test_shifted_masks_lower_mask_ap_and_iou_matches_pixel_count(samples):
    shifted = copy.deepcopy(samples)
    expected = []
    for sample in shifted:
        gt = sample['pred_instances']['masks'][0]
        moved = _shifted(gt, 3, 5)
        sample['pred_instances']['masks'] = moved[None]
        expected.append(np.logical_and(moved, gt).sum() / np.logical_or(moved, gt).sum())
    results = _evaluate(shifted)
    assert 0.0 < results['coco/mask_AP'] < 1.0
    assert results['coco/AP'] == pytest.approx(1.0)  # the keypoints did not move
    assert results['coco/mask_IoU'] == pytest.approx(np.mean(expected), abs=1e-6)
    assert results['coco/mask_IoU'] < 0.95


def test_pose_only_samples_get_no_mask_metrics(samples):
    pose_only = copy.deepcopy(samples)
    for sample in pose_only:
        del sample['pred_instances']['masks']
    results = _evaluate(pose_only)
    assert list(results) == [f'coco/{k}' for k in KEYPOINT_KEYS]


def test_detected_box_samples_get_mask_ap_but_no_mask_iou(samples):
    # CocoStyleDataset with bbox_file: running ids, no raw_ann_info
    detected = copy.deepcopy(samples)
    for index, sample in enumerate(detected):
        sample['id'] = index
        del sample['raw_ann_info']
    results = _evaluate(detected)
    assert results['coco/mask_AP'] == pytest.approx(1.0)
    assert 'coco/mask_IoU' not in results


def _dataset_samples(**dataset_kwargs) -> list:
    """Samples packed by CocoDataset from the sample file, predicting the box as the mask."""
    dataset = DATASETS.build(dict(
        type='CocoDataset', data_root=str(ANN_FILE.parent), ann_file=ANN_FILE.name,
        data_prefix=dict(img=''), test_mode=True, **dataset_kwargs,
        pipeline=[dict(type='LoadImage'), dict(type='GetBBoxCenterScale'),
                  dict(type='PackPoseInputs')]))
    samples = []
    for index in range(len(dataset)):
        sample = dataset[index]['data_samples'].to_dict()
        height, width = sample['ori_shape']
        x1, y1, x2, y2 = sample['gt_instances']['bboxes'][0].round().astype(int)
        mask = np.zeros((1, height, width), dtype=bool)
        mask[0, y1:y2, x1:x2] = True
        sample['pred_instances'] = dict(keypoints=sample['gt_instances']['keypoints'],
                                        keypoint_scores=np.ones((1, 17)), masks=mask)
        samples.append(sample)
    return samples


def test_only_samples_packed_from_annotations_get_mask_iou():
    gt_boxes = _evaluate(_dataset_samples())
    detected = _evaluate(_dataset_samples(bbox_file='test_coco_det_AP_H_56.json'))
    assert 0.0 < gt_boxes['coco/mask_IoU'] < 1.0  # a box is not a silhouette
    assert 'coco/mask_IoU' not in detected and 'coco/mask_AP' in detected


def test_segm_results_are_the_keypoint_instances_after_nms(samples, tmp_path):
    dup = copy.deepcopy(samples[0])
    dup['id'] = 1  # a second box on the first person, removed by OKS-NMS
    dup['pred_instances']['keypoints'] += 1.0
    dup['pred_instances']['bbox_scores'] = np.array([0.9])
    _evaluate(copy.deepcopy(samples) + [dup], outfile_prefix=str(tmp_path / 'res'),
              format_only=True)
    keypoints = json.loads((tmp_path / 'res.keypoints.json').read_text())
    segm = json.loads((tmp_path / 'res.segm.json').read_text())
    assert len(segm) == len(keypoints) == len(samples)
    assert [(r['image_id'], r['score']) for r in segm] == [(r['image_id'], r['score'])
                                                          for r in keypoints]
    assert all(isinstance(r['segmentation']['counts'], str) for r in segm)


@pytest.mark.parametrize('shape', [(1, 100, 100), (2, None, None)])
def test_mask_of_another_shape_names_the_sample(samples, shape):
    sample = copy.deepcopy(samples[0])
    height, width = sample['ori_shape']
    shape = tuple(s if s is not None else d for s, d in zip(shape, (1, height, width)))
    sample['pred_instances']['masks'] = np.zeros(shape, dtype=bool)
    metric = CocoMetric(ann_file=str(ANN_FILE))
    with pytest.raises(ValueError, match=f'sample id {sample["id"]}.*shape'):
        metric.process([{}], [sample])


def test_probability_masks_are_rejected(samples):
    sample = copy.deepcopy(samples[0])
    sample['pred_instances']['masks'] = sample['pred_instances']['masks'].astype(np.float32)
    with pytest.raises(ValueError, match='bool'):
        CocoMetric(ann_file=str(ANN_FILE)).process([{}], [sample])


def test_masks_without_ann_file_are_an_error(samples):
    with pytest.raises(ValueError, match='ann_file'):
        CocoMetric(ann_file=None).process([{}], copy.deepcopy(samples[:1]))


def test_samples_with_and_without_masks_are_an_error(samples):
    mixed = copy.deepcopy(samples[:2])
    del mixed[1]['pred_instances']['masks']
    with pytest.raises(ValueError, match=f'sample id {mixed[1]["id"]}'):
        _evaluate(mixed)


def test_a_second_evaluation_gives_the_same_metrics(samples):
    # COCOeval turns the loaded ground-truth polygons into RLEs in place; the next epoch's
    # evaluation, with the same metric, must not notice
    metric = CocoMetric(ann_file=str(ANN_FILE))
    metric.dataset_meta = META
    shifted = copy.deepcopy(samples)
    for sample in shifted:
        sample['pred_instances']['masks'] = _shifted(sample['pred_instances']['masks'][0], 2,
                                                     2)[None]
    epochs = []
    for _ in range(2):
        metric.process([{}] * len(shifted), copy.deepcopy(shifted))
        epochs.append(metric.evaluate(len(shifted)))
    assert epochs[0] == epochs[1]
    assert 0.0 < epochs[0]['coco/mask_IoU'] < 1.0
