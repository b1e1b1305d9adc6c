"""CocoDataset on the bundled COCO sample: loading, filtering and bad inputs."""
import json
import re
import shutil

import numpy as np
import pytest

from pose.datasets import CocoDataset
from pose.registry import DATASETS

TRAIN_FILTER = dict(filter_empty_gt=True, min_keypoints=1)


def make_dataset(coco_dir, **kwargs):
    kwargs.setdefault('ann_file', str(coco_dir / 'test_coco.json'))
    return CocoDataset(data_prefix=dict(img=str(coco_dir) + '/'), **kwargs)


def test_train_mode_keeps_instances_with_keypoints(coco_dir):
    anns = json.loads((coco_dir / 'test_coco.json').read_text())['annotations']
    expected_ids = [a['id'] for a in anns if a['num_keypoints'] > 0 and not a['iscrowd']]
    dataset = make_dataset(coco_dir, filter_cfg=TRAIN_FILTER)
    assert len(expected_ids) == 12 and len(anns) == 14
    assert sorted(dataset.get_data_info(i)['id'] for i in range(len(dataset))) == sorted(
        expected_ids)
    # mmpose's default: empty and crowd annotations go even without a filter_cfg
    assert len(make_dataset(coco_dir)) == 12
    assert len(make_dataset(coco_dir, filter_cfg=dict(filter_empty_gt=False))) == 14
    assert len(make_dataset(coco_dir, filter_cfg=dict(min_keypoints=16))) == 5


def test_data_info_layout(coco_dir):
    dataset = make_dataset(coco_dir, filter_cfg=TRAIN_FILTER)
    info = dataset.get_data_info(0)
    assert info['img_id'] == 785 and info['id'] == 442619 and info['category_id'] == 1
    assert info['img_path'].endswith('000000000785.jpg')
    assert info['bbox'].shape == (1, 4) and info['bbox'].dtype == np.float32
    np.testing.assert_allclose(info['bbox'], [[280.79, 44.73, 499.49, 391.41]], atol=1e-3)
    assert info['bbox_score'].shape == (1,)
    assert info['keypoints'].shape == (1, 17, 2) and info['keypoints'].dtype == np.float32
    assert info['keypoints_visible'].shape == (1, 17)
    assert info['keypoints_visible'].dtype == np.float32
    np.testing.assert_allclose(info['keypoints'][0, 0], [367, 81])
    assert set(np.unique(info['keypoints_visible'])) <= {0., 1.}
    assert info['num_keypoints'] == 17 and info['iscrowd'] == 0
    assert info['area'].shape == (1,) and info['raw_ann_info']['id'] == 442619
    assert info['raw_ann_info']['keypoints'][:3] == [367, 81, 2]
    assert 'segmentation' not in info['raw_ann_info']
    assert info['flip_indices'][1] == 2 and info['dataset_name'] == 'coco'
    assert dataset.metainfo['num_keypoints'] == 17
    assert dataset.metainfo['sigmas'].shape == (17,)


def test_crowd_annotations_are_filtered(coco_dir, tmp_path):
    content = json.loads((coco_dir / 'test_coco.json').read_text())
    content['annotations'][0]['iscrowd'] = 1
    ann_file = tmp_path / 'crowd.json'
    ann_file.write_text(json.dumps(content))
    dataset = make_dataset(coco_dir, ann_file=str(ann_file), filter_cfg=TRAIN_FILTER)
    assert len(dataset) == 11


def test_detections_with_score_threshold(coco_dir):
    detections = json.loads((coco_dir / 'test_coco_det_AP_H_56.json').read_text())
    thr = 0.3
    expected = sum(det['score'] >= thr for det in detections)
    dataset = DATASETS.build(
        dict(type='CocoDataset', ann_file=str(coco_dir / 'test_coco.json'),
             bbox_file=str(coco_dir / 'test_coco_det_AP_H_56.json'), test_mode=True,
             data_prefix=dict(img=str(coco_dir)), filter_cfg=dict(bbox_score_thr=thr)))
    assert len(dataset) == expected == 33
    scores = [dataset.get_data_info(i)['bbox_score'][0] for i in range(len(dataset))]
    assert min(scores) >= thr
    info = dataset.get_data_info(0)
    assert info['keypoints'].shape == (1, 17, 2) and info['bbox'].shape == (1, 4)
    x, y, w, h = detections[0]['bbox']
    np.testing.assert_allclose(info['bbox'], [[x, y, x + w, y + h]], rtol=1e-6)
    unfiltered = make_dataset(coco_dir, bbox_file=str(coco_dir / 'test_coco_det_AP_H_56.json'),
                              test_mode=True)
    assert len(unfiltered) == len(detections) == 118


def test_relative_files_are_read_under_data_root(coco_dir):
    dataset = CocoDataset(data_root=str(coco_dir), ann_file='test_coco.json',
                          bbox_file='test_coco_det_AP_H_56.json', data_prefix=dict(img=''),
                          test_mode=True)
    assert dataset.bbox_file == str(coco_dir / 'test_coco_det_AP_H_56.json')
    assert len(dataset) == 118


def test_bbox_file_needs_test_mode(coco_dir):
    with pytest.raises(ValueError, match='test_mode'):
        make_dataset(coco_dir, bbox_file=str(coco_dir / 'test_coco_det_AP_H_56.json'))


def test_missing_annotation_file_is_named(coco_dir, tmp_path):
    missing = tmp_path / 'nope.json'
    with pytest.raises(FileNotFoundError, match=str(missing)):
        make_dataset(coco_dir, ann_file=str(missing))


def test_missing_image_root_is_named(coco_dir, tmp_path):
    root = tmp_path / 'no_images'
    with pytest.raises(FileNotFoundError, match=str(root)):
        CocoDataset(ann_file=str(coco_dir / 'test_coco.json'), data_prefix=dict(img=str(root)))


def test_wrong_keypoint_count_names_file_and_annotation(coco_dir, tmp_path):
    content = json.loads((coco_dir / 'test_coco.json').read_text())
    bad = content['annotations'][2]
    bad['keypoints'] = bad['keypoints'][:-6]  # 15 keypoints instead of 17
    ann_file = tmp_path / 'bad_keypoints.json'
    ann_file.write_text(json.dumps(content))
    with pytest.raises(ValueError) as info:
        make_dataset(coco_dir, ann_file=str(ann_file))
    message = str(info.value)
    assert str(ann_file) in message and str(bad['id']) in message
    assert 'expected 17' in message and 'has 15 keypoints' in message


def test_images_resolve_against_data_root(coco_dir, tmp_path):
    shutil.copytree(coco_dir, tmp_path / 'coco')
    dataset = CocoDataset(data_root=str(tmp_path / 'coco'), ann_file='test_coco.json',
                          data_prefix=dict(img=''), filter_cfg=TRAIN_FILTER)
    assert dataset.get_data_info(0)['img_path'].startswith(str(tmp_path / 'coco'))


def edited(coco_dir, tmp_path, edit) -> str:
    """The sample annotation file after ``edit(content)``, written to tmp_path."""
    content = json.loads((coco_dir / 'test_coco.json').read_text())
    edit(content)
    path = tmp_path / 'edited.json'
    path.write_text(json.dumps(content))
    return str(path)


@pytest.mark.parametrize('edit, facts', [  # what the message names, in its order
    (lambda c: c['images'][0].pop('width'), ('lacks width',)),
    (lambda c: c['images'][0].pop('file_name'), ('lacks file_name',)),
    (lambda c: c['annotations'][0].update(bbox=[1, 2, 3]),
     ('has bbox [1, 2, 3]', 'four numbers')),
    (lambda c: c['annotations'][0].update(keypoints=['1'] * 51),
     ("has keypoints ['1'", 'list of numbers')),
])
def test_malformed_annotations_are_named(coco_dir, tmp_path, edit, facts):
    ann_file = edited(coco_dir, tmp_path, edit)
    with pytest.raises(ValueError, match='.*'.join(map(re.escape, facts))) as info:
        make_dataset(coco_dir, ann_file=ann_file)
    assert ann_file in str(info.value)


def test_a_file_without_categories_is_named(coco_dir, tmp_path):
    ann_file = edited(coco_dir, tmp_path, lambda c: c.pop('categories'))
    with pytest.raises(ValueError, match=re.escape(f'{ann_file} has no "categories" list')):
        make_dataset(coco_dir, ann_file=ann_file)


def test_a_box_that_is_not_finite_is_filtered_and_counted(coco_dir, tmp_path):
    def nan_box(content):
        content['annotations'][0]['bbox'][2] = float('nan')
    dataset = make_dataset(coco_dir, ann_file=edited(coco_dir, tmp_path, nan_box),
                           filter_cfg=TRAIN_FILTER)
    assert len(dataset) == 11
    assert all(np.isfinite(dataset.get_data_info(i)['bbox']).all() for i in range(len(dataset)))


def test_annotations_of_unlisted_images_are_counted(coco_dir, tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr('pose.datasets.coco_style_dataset.print_log',
                        lambda message, **_: logged.append(message))
    ann_file = edited(coco_dir, tmp_path,
                      lambda c: c['annotations'][0].update(image_id=999999))
    assert len(make_dataset(coco_dir, ann_file=ann_file, filter_cfg=TRAIN_FILTER)) == 11
    assert any('1 annotations in' in line and 'do not list' in line for line in logged)


def test_nothing_left_after_filtering_is_named(coco_dir, tmp_path):
    def all_crowd(content):
        for ann in content['annotations']:
            ann['iscrowd'] = 1
    ann_file = edited(coco_dir, tmp_path, all_crowd)
    with pytest.raises(ValueError, match=re.escape(f'no instance of {ann_file} ')) as info:
        make_dataset(coco_dir, ann_file=ann_file, filter_cfg=TRAIN_FILTER)
    assert '(of 14;' in str(info.value) and '14 crowd' in str(info.value)
