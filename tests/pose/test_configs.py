"""The ten published pose configs follow the original recipe (HRNet/Lite-HRNet,
configs/top_down/{lite_hrnet,naive_litehrnet}/{coco,mpii}/*.py, with mmpose 0.x semantics);
docs/reproduction.md lists the settings side by side."""
from pathlib import Path

import pytest
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(
    str(p.relative_to(ROOT)) for family in ('lite_hrnet', 'naive_litehrnet')
    for p in (ROOT / 'configs' / 'pose' / family).rglob('*.py'))

# TopDownGetRandomScaleRotation(rot_factor=30, scale_factor=0.25) (rot_prob 0.6 by default)
SCALE_ROTATION = dict(type='RandomScaleRotation', scale_sigma=0.25, scale_limit=0.25,
                      rotate_sigma=30.0, rotate_limit=60.0, rotate_prob=0.6)
# TopDownHalfBodyTransform(num_joints_half_body=8, prob_half_body=0.3), COCO only
HALF_BODY = dict(type='RandomHalfBody', selection='upper_first', min_total_keypoints=9,
                 min_upper_keypoints=3, min_lower_keypoints=3, padding=1.5, prob=0.3)


def load(path: str) -> Config:
    return Config.fromfile(str(ROOT / path))


def test_the_ten_published_configs():
    assert len(CONFIGS) == 10, CONFIGS


@pytest.mark.parametrize('path', CONFIGS)
def test_augmentations_are_the_originals(path):
    cfg = load(path)
    coco = '/coco/' in path
    pipeline = cfg.train_dataloader.dataset.pipeline
    types = [t['type'] for t in pipeline]
    expected = ['LoadImage', 'GetBBoxCenterScale', 'RandomFlip'] + (
        ['RandomHalfBody'] if coco else []) + ['RandomScaleRotation', 'TopdownAffine',
                                              'GenerateTarget', 'PackPoseInputs']
    assert types == expected
    by_type = {t['type']: dict(t) for t in pipeline}
    assert by_type['RandomScaleRotation'] == SCALE_ROTATION
    assert by_type['RandomFlip'].get('prob', 0.5) == 0.5
    assert by_type['GetBBoxCenterScale'].get('padding', 1.25) == 1.25
    if coco:
        assert by_type['RandomHalfBody'] == HALF_BODY


@pytest.mark.parametrize('path', CONFIGS)
def test_box_centre_shift_on_coco_training_only(path):
    cfg = load(path)
    train = cfg.train_dataloader.dataset
    if '/coco/' in path:
        # mmpose 0.x TopDownCocoDataset: 30% of the training boxes, up to 20% of their size
        assert (train.center_shift_prob, train.center_shift_max) == (0.3, 0.2)
    else:
        # TopDownMpiiDataset never moved its boxes
        assert train.get('center_shift_prob', 0) == 0
    for split in (cfg.val_dataloader, cfg.test_dataloader):
        assert split.dataset.test_mode


@pytest.mark.parametrize('path', CONFIGS)
def test_batch_schedule_and_evaluation(path):
    cfg = load(path)
    per_gpu = 64 if path.endswith('256x192.py') else 32
    assert cfg.train_dataloader.batch_size == per_gpu
    # the published runs: 8 GPUs, so the base of --auto-scale-lr is 8 x per-GPU batch
    assert cfg.auto_scale_lr.base_batch_size == 8 * per_gpu
    assert cfg.optim_wrapper.optimizer == dict(type='Adam', lr=2e-3)
    assert cfg.train_cfg.max_epochs == 210
    assert cfg.train_cfg.val_interval == (10 if '/coco/' in path else 5)
    assert cfg.model.test_cfg.flip_test and cfg.model.test_cfg.shift_heatmap


MULTITASK = {
    'configs/pose/lite_hrnet_mask/coco/litehrnet_18_mask_coco_256x192.py':
    'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py',
    'configs/pose/lite_hrnet_mask/coco/litehrnet_30_mask_coco_256x192.py':
    'configs/pose/lite_hrnet/coco/litehrnet_30_coco_256x192.py',
    'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py':
    'configs/pose/demo/litehrnet_18_coco-sample_256x192.py',
}


@pytest.mark.parametrize('path,pose_path', sorted(MULTITASK.items()))
def test_multitask_configs_are_their_pose_recipe_plus_masks(path, pose_path):
    cfg, pose_cfg = load(path), load(pose_path)
    pipeline = [dict(t) for t in cfg.train_dataloader.dataset.pipeline]
    with_masks = [t for t in pipeline if t['type'] not in ('LoadPersonMask', 'GenerateMaskTarget')]
    assert with_masks == [dict(t) for t in pose_cfg.train_dataloader.dataset.pipeline]
    types = [t['type'] for t in pipeline]
    # the mask is rasterised before the flip (which flips it) and warped after the crop
    assert types.index('LoadPersonMask') == types.index('LoadImage') + 1
    assert types.index('GenerateMaskTarget') > types.index('TopdownAffine')
    assert pipeline[types.index('GenerateMaskTarget')]['encoder'] == dict(cfg.codec)
    assert cfg.train_dataloader.dataset.with_masks
    for key in ('backbone', 'head', 'test_cfg', 'data_preprocessor'):
        assert cfg.model[key] == pose_cfg.model[key]
    # the demo trains twice as long (its masks keep improving), with the same optimizer
    schedule = ('param_scheduler', 'train_cfg') if '/demo/' not in path else ()
    for key in ('optim_wrapper', ) + schedule:
        assert cfg[key] == pose_cfg[key]
    assert cfg.model.mask_head.type == 'MaskHead'
    assert cfg.model.mask_head.in_channels == cfg.model.head.in_channels
