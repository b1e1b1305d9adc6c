"""--cfg-options keys are checked against the config before anything is merged or built."""
import copy

import pytest
from mmengine.config import Config

from engine import UnknownConfigKeyError, check_override_keys

POSE = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
SEG = 'configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py'


@pytest.fixture(scope='module')
def cfg() -> Config:
    return Config.fromfile(POSE)


@pytest.mark.parametrize('key,facts', [
    # (where the walk stopped, the unknown key, the problem, the close match)
    ('optim_wraper.optimizer.lr', ('the config', "no key 'optim_wraper'", 'did you mean',
                                   "'optim_wrapper'")),
    ('train_cfg.max_epoch', ('train_cfg has', "no key 'max_epoch'", 'did you mean',
                             "'max_epochs'")),
    ('train_dataloader.batchsize', ('train_dataloader has', "no key 'batchsize'",
                                    'did you mean', "'batch_size'")),
    ('randomness.seeds', ('randomness has', "no key 'seeds'", 'did you mean', "'seed'")),
    ('param_scheduler.5.end', ('param_scheduler', 'list of 2 item(s)', "'5'")),
    ('env_cfg.network.timeout', ('env_cfg has', "no key 'network'",
                                 'cudnn_benchmark, dist_cfg, mp_cfg', 'nobody reads')),
])
def test_misspelt_keys_are_refused_naming_the_key_and_the_close_match(cfg, key, facts):
    with pytest.raises(UnknownConfigKeyError) as error:
        check_override_keys(cfg, {key: 1})
    assert str(error.value).startswith(f'--cfg-options {key}: ')
    for fact in facts:
        assert fact in str(error.value)


@pytest.mark.parametrize('key', [
    'train_cfg.max_epochs',  # existing keys
    'param_scheduler.1.milestones',
    'model.backbone.with_cp',  # new arguments of something built (a dict with a type)
    'model.backbone.init_cfg.checkpoint',
    'model.init_cfg.checkpoint',  # a new dict argument
    'train_dataloader.dataset.pipeline.0.skip_corrupt',
    'randomness.deterministic',  # a new last key that resembles no existing one
    'model_wrapper_cfg.find_unused_parameters',  # top-level keys the Runner reads
    'sync_bn',
])
def test_existing_and_legitimate_new_keys_are_accepted(cfg, key):
    check_override_keys(cfg, {key: 1})


def test_a_wrapped_dataset_s_pipeline_is_named_where_it_is():
    """Segmentation datasets are wrapped (CheckedDataset): the pose path to the pipeline would
    add a ``pipeline`` argument to the wrapper and fail in its constructor with a TypeError."""
    seg = Config.fromfile(SEG)
    with pytest.raises(UnknownConfigKeyError) as error:
        check_override_keys(seg, {'train_dataloader.dataset.pipeline.0.skip_corrupt': True})
    message = str(error.value)
    assert message.startswith('--cfg-options train_dataloader.dataset.pipeline.0.skip_corrupt: ')
    assert "train_dataloader.dataset has no key 'pipeline'" in message
    assert 'dataset, hint, type' in message  # the wrapper's keys
    assert 'did you mean' in message
    assert message.endswith(' train_dataloader.dataset.dataset.pipeline.0.skip_corrupt?')
    check_override_keys(seg, {'train_dataloader.dataset.dataset.pipeline.0.skip_corrupt': True})


def test_a_new_dict_argument_is_not_taken_for_a_wrapped_one(cfg):
    """Only a path through a list index must exist below: ``model.init_cfg`` is a new argument
    of the model even when its backbone has an ``init_cfg`` of its own."""
    with_backbone_init = copy.deepcopy(cfg)
    with_backbone_init.model.backbone.init_cfg = dict(type='Pretrained', checkpoint='a.pth')
    check_override_keys(with_backbone_init, {'model.init_cfg.type': 'Pretrained',
                                             'model.init_cfg.checkpoint': 'b.pth'})


def test_a_list_index_under_a_new_argument_is_refused(cfg):
    with pytest.raises(UnknownConfigKeyError) as error:
        check_override_keys(cfg, {'model.backbone.stages.0.with_cp': True})
    message = str(error.value)
    assert "model.backbone has no key 'stages'" in message
    assert 'no list to index' in message
    assert message.endswith(' model.backbone.stages.0.with_cp')


def test_checking_does_not_change_the_config(cfg):
    before = cfg.pretty_text
    check_override_keys(cfg, {'model.backbone.with_cp': True})
    assert cfg.pretty_text == before


@pytest.mark.parametrize('config, key, facts', [
    # CheckpointHook keeps unknown arguments for the save: the run would die an epoch later
    (POSE, 'default_hooks.checkpoint.max_keep_ckpt',
     ('CheckpointHook (default_hooks.checkpoint)', "no argument 'max_keep_ckpt'",
      'did you mean', "'max_keep_ckpts'")),
    (POSE, 'work_dri', ('the config', "no key 'work_dri'", 'did you mean', "'work_dir'")),
    (POSE, 'nobody_reads_this', ('the config', "no key 'nobody_reads_this'",
                                 'Runner reads no')),
    # mmseg's IoUMetric swallows unknown arguments
    (SEG, 'test_evaluator.iou_metric',
     ('IoUMetric (test_evaluator)', "no argument 'iou_metric'", 'did you mean',
      "'iou_metrics'")),
    (POSE, 'model.backbone.with_checkpoint',
     ('LiteHRNet (model.backbone)', "no argument 'with_checkpoint'")),
])
def test_arguments_are_checked_against_what_the_dict_builds(config, key, facts):
    with pytest.raises(UnknownConfigKeyError) as error:
        check_override_keys(Config.fromfile(config), {key: 1})
    for fact in facts:
        assert fact in str(error.value)


@pytest.mark.parametrize('config, key', [
    (POSE, 'default_hooks.checkpoint.save_optimizer'),  # CheckpointHook's own
    (POSE, 'default_hooks.checkpoint.meta'),  # passed on to Runner.save_checkpoint
    (SEG, 'test_evaluator.nan_to_num'),
    (SEG, 'train_dataloader.dataset.dataset.pipeline.0.to_float32'),  # LoadImage's base's
    (POSE, 'train_dataloader.dataset.pipeline.0.skip_corrupt'),
])
def test_genuine_new_arguments_are_accepted(config, key):
    check_override_keys(Config.fromfile(config), {key: 1})
