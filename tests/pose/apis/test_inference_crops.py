"""A person box given to ``inference_topdown`` (a user's or a detector's), or read from a
detection file by ``tools/test.py``'s test dataloader, is cropped exactly like the same person
box in training (before the random augmentations), for COCO, MPII and a custom dataset."""
import copy
import json
from types import SimpleNamespace

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from pose.apis import inference_topdown
from pose.registry import DATASETS

COCO_CONFIG = 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py'
MPII_CONFIG = 'configs/pose/lite_hrnet/mpii/litehrnet_18_mpii_256x256.py'
# training crops are compared before augmentation: 1e-6 relative (a float32 ulp is 6e-8)
TOL = dict(rtol=1e-6, atol=1e-6)

# a custom keypoint set described by metainfo only: 5 of COCO's keypoints
CUSTOM_METAINFO = dict(
    dataset_name='five_points',
    keypoint_names=['nose', 'left_eye', 'right_eye', 'left_shoulder', 'right_shoulder'],
    flip_pairs=[('left_eye', 'right_eye'), ('left_shoulder', 'right_shoulder')],
    upper_body_ids=[0, 1, 2, 3, 4])


def deterministic(pipeline: list) -> list:
    """The training pipeline without its random augmentations."""
    return [t for t in pipeline if not t['type'].startswith('Random')]


def crop(sample) -> tuple:
    return np.asarray(sample.metainfo['input_center']), np.asarray(
        sample.metainfo['input_scale'])


def training_crops(cfg: Config, **dataset_overrides) -> list:
    """(data info, crop center, crop scale) of every training person, augmentations off
    (the once-drawn centre shift of the COCO recipe is one of them)."""
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.update(dataset_overrides, pipeline=deterministic(dataset_cfg.pipeline))
    dataset_cfg.pop('center_shift_prob', None)
    dataset = DATASETS.build(dataset_cfg)
    return [(dataset.get_data_info(i), *crop(dataset[i]['data_samples']))
            for i in range(len(dataset))]


def stub_model(cfg: Config) -> SimpleNamespace:
    """What inference_topdown uses of a model: its config, metainfo and test_step (here the
    identity on the packed samples, so the crops can be read back)."""
    dataset_cfg = cfg.test_dataloader.dataset
    meta = DATASETS.get(dataset_cfg.type)._load_metainfo(dataset_cfg.get('metainfo'))
    return SimpleNamespace(cfg=cfg, dataset_meta=meta,
                           test_step=lambda data: data['data_samples'])


def assert_inference_crops_as_training(cfg: Config, train: list) -> None:
    model = stub_model(cfg)
    for info, center, scale in train:
        [sample] = inference_topdown(model, info['img_path'], info['bbox'])
        np.testing.assert_allclose(crop(sample)[0], center, **TOL)
        np.testing.assert_allclose(crop(sample)[1], scale, **TOL)


def assert_test_dataloader_crops_as_training(cfg: Config, train: list, tmp_path,
                                             **dataset_overrides) -> None:
    """tools/test.py's path: the config's test dataloader on a detection file holding the
    training person boxes."""
    detections = [dict(image_id=info['img_id'], category_id=1, score=1.0,
                       bbox=[float(v) for v in np.concatenate([info['bbox'][0, :2],
                                                               info['bbox'][0, 2:] -
                                                               info['bbox'][0, :2]])])
                  for info, _, _ in train]
    bbox_file = tmp_path / 'detections.json'
    bbox_file.write_text(json.dumps(detections))
    cfg.test_dataloader.dataset.update(dataset_overrides, bbox_file=str(bbox_file))
    cfg.test_dataloader.update(num_workers=0, persistent_workers=False, batch_size=5)
    tested = [sample for batch in Runner.build_dataloader(cfg.test_dataloader)
              for sample in batch['data_samples']]
    assert len(tested) == len(train)
    for sample, (info, center, scale) in zip(tested, train):
        assert sample.img_id == info['img_id']
        np.testing.assert_allclose(crop(sample)[0], center, **TOL)
        np.testing.assert_allclose(crop(sample)[1], scale, **TOL)


@pytest.fixture
def coco_data(coco_dir) -> dict:
    return dict(data_root=str(coco_dir) + '/', ann_file='test_coco.json',
                data_prefix=dict(img=''))


def test_coco(coco_data, tmp_path):
    cfg = Config.fromfile(COCO_CONFIG)
    train = training_crops(cfg, **coco_data)
    assert len(train) == 12
    assert_inference_crops_as_training(cfg, train)
    assert_test_dataloader_crops_as_training(cfg, train, tmp_path, **coco_data)


def test_custom_metainfo_dataset(coco_dir, tmp_path):
    # the bundled COCO sample reduced to 5 keypoints, read by CocoStyleDataset + metainfo
    ann = json.loads((coco_dir / 'test_coco.json').read_text())
    for a in ann['annotations']:
        a['keypoints'] = a['keypoints'][:9] + a['keypoints'][15:21]
        a['num_keypoints'] = sum(v > 0 for v in a['keypoints'][2::3])
    ann['categories'][0]['keypoints'] = CUSTOM_METAINFO['keypoint_names']
    (tmp_path / 'five_points.json').write_text(json.dumps(ann))
    data = dict(type='CocoStyleDataset', metainfo=CUSTOM_METAINFO, data_root=str(tmp_path),
                ann_file='five_points.json', data_prefix=dict(img=str(coco_dir) + '/'))
    cfg = Config.fromfile(COCO_CONFIG)
    cfg.test_dataloader.dataset.update(data)
    train = training_crops(cfg, **data)
    assert len(train) > 5 and train[0][0]['dataset_name'] == 'five_points'
    assert_inference_crops_as_training(cfg, train)
    assert_test_dataloader_crops_as_training(cfg, train, tmp_path, **data)


def test_mpii(mpii_dir):
    cfg = Config.fromfile(MPII_CONFIG)
    data = dict(data_root=str(mpii_dir) + '/', ann_file='test_mpii.json',
                data_prefix=dict(img=''))
    train = training_crops(cfg, **data)
    entries = json.loads((mpii_dir / 'test_mpii.json').read_text())
    for (info, center, scale), entry in zip(train, entries):
        # the dataset's box is the MPII person box, scale x 200 px around the (lowered) centre,
        # and training crops it with HRNet's 1.25 context
        size = entry['scale'] * 200
        cx, cy = entry['center'][0] - 1, entry['center'][1] + 15 * entry['scale'] - 1
        np.testing.assert_allclose(
            info['bbox'], [[cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2]],
            rtol=1e-6)
        np.testing.assert_allclose(scale, [1.25 * size, 1.25 * size], rtol=1e-6)
    # a user's or detector's box of that person crops as training did
    assert_inference_crops_as_training(cfg, train)
    # the test dataloader (tools/test.py; MPII is tested on its ground-truth boxes) as well
    cfg.test_dataloader.dataset.update(data, headbox_file=str(mpii_dir / 'mpii_gt_val.mat'))
    cfg.test_dataloader.update(num_workers=0, persistent_workers=False)
    tested = [sample for batch in Runner.build_dataloader(cfg.test_dataloader)
              for sample in batch['data_samples']]
    for sample, (_, center, scale) in zip(tested, train):
        np.testing.assert_allclose(crop(sample)[0], center, **TOL)
        np.testing.assert_allclose(crop(sample)[1], scale, **TOL)


@pytest.mark.parametrize('config', [COCO_CONFIG, MPII_CONFIG])
def test_training_and_test_pipelines_pad_boxes_alike(config):
    cfg = Config.fromfile(config)

    def paddings(pipeline):
        return [t.get('padding', 1.25) for t in pipeline if t['type'] == 'GetBBoxCenterScale']

    train = paddings(cfg.train_dataloader.dataset.pipeline)
    assert train == [1.25]
    assert paddings(cfg.val_dataloader.dataset.pipeline) == train
    assert paddings(cfg.test_dataloader.dataset.pipeline) == train
