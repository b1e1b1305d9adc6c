"""Every segmentation config builds, trains a step and predicts; the recipes match the fork's."""
import re
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.structures import PixelData

from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'configs' / 'seg').rglob('*.py')
                 if '_base_' not in p.parts)
TOP_LEVEL = [c for c in CONFIGS if '/demo/' not in c]

# The fork's decode head per variant (Junjun2016/LiteHRNet, configs/_base_/models/*.py;
# docs/original_work.md, 'Configs'): (in_channels, in_index, channels, input_transform,
# kernel_size, num_convs, concat_input, dropout_ratio).
FCN = (40, 0, 40, None, 3, 2, True, 0.1)
HEADS = {
    ('fcn', False): FCN,
    ('fcn', True): FCN,
    ('fcn-resize-concat', False): ([40, 80, 160, 320], (0, 1, 2, 3), 600, 'resize_concat', 1,
                                   1, False, -1),
    ('fcn-resize-concat', True): ([40, 40, 80, 160], (0, 1, 2, 3), 320, 'resize_concat', 1, 1,
                                  False, -1),
}
NAME = re.compile(r'configs/seg/(fcn(?:-resize-concat)?)_litehrnet-(18|30)(-with-head)?'
                  r'(?:_(320k|640k))?_(cityscapes-512x1024|ade20k-512x512)\.py')


def unique_models():
    """One config per distinct model (the schedules and the demos repeat models)."""
    seen = {}
    for path in CONFIGS:
        cfg = Config.fromfile(str(ROOT / path))
        cfg.model.data_preprocessor.size = None
        key = re.sub(r"'(Sync)?BN'", "'BN'", repr(cfg.model.to_dict()))
        seen.setdefault(key, path)
    return sorted(seen.values())


def test_config_names():
    # 8 variants x (Cityscapes 160k, 320k, 640k + ADE20K 160k)
    assert len(TOP_LEVEL) == 32
    assert all(NAME.fullmatch(c) for c in TOP_LEVEL), [c for c in TOP_LEVEL
                                                       if not NAME.fullmatch(c)]


@pytest.mark.parametrize('path', TOP_LEVEL)
def test_recipe_follows_the_fork(path):
    head, depth, with_head, schedule, dataset = NAME.fullmatch(path).groups()
    cfg = Config.fromfile(str(ROOT / path))
    model = cfg.model
    assert model.backbone.type == 'LiteHRNet' and model.backbone.norm_cfg.type == 'SyncBN'
    assert model.backbone.extra.with_head == bool(with_head)
    assert model.backbone.extra.stages_spec.num_modules == ((2, 4, 2) if depth == '18' else
                                                            (3, 8, 3))
    dh = model.decode_head
    assert (dh.in_channels, dh.in_index, dh.channels, dh.input_transform, dh.kernel_size,
            dh.num_convs, dh.concat_input, dh.dropout_ratio) == HEADS[(head, bool(with_head))]
    assert dh.norm_cfg.type == 'SyncBN' and not dh.align_corners
    assert model.test_cfg.mode == 'whole'
    cityscapes = dataset.startswith('cityscapes')
    assert dh.num_classes == (19 if cityscapes else 150)
    assert model.data_preprocessor.size == ((512, 1024) if cityscapes else (512, 512))
    assert cfg.train_dataloader.batch_size == (2 if cityscapes else 4)
    assert cfg.auto_scale_lr.base_batch_size == (16 if cityscapes else 32)
    max_iters = {None: 160000, '320k': 320000, '640k': 640000}[schedule]
    assert cfg.train_cfg.max_iters == max_iters
    assert cfg.train_cfg.val_interval == cfg.default_hooks.checkpoint.interval == max_iters // 10
    assert cfg.default_hooks.checkpoint.save_best == 'mIoU'
    assert cfg.optim_wrapper.optimizer == dict(type='SGD', lr=0.01, momentum=0.9,
                                               weight_decay=0.0005)
    [poly] = cfg.param_scheduler
    assert (poly.type, poly.eta_min, poly.power, poly.end, poly.by_epoch) == (
        'PolyLR', 1e-4, 0.9, max_iters, False)


@pytest.mark.parametrize('path', CONFIGS)
def test_config_builds(path, cpu_config):
    cfg = cpu_config(path)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'RuntimeEncoderDecoder'
    assert type(model.backbone).__name__ == 'LiteHRNet'


def _sample(h: int, w: int, num_classes: int, with_label: bool) -> SegDataSample:
    sample = SegDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w)))
    if with_label:
        label = torch.randint(0, num_classes, (1, h, w))
        label[:, :4] = 255  # some ignored pixels, as in real labels
        sample.gt_sem_seg = PixelData(data=label)
    return sample


@pytest.mark.parametrize('path', unique_models())
def test_train_step_and_whole_image_predict(path, cpu_config):
    cfg = cpu_config(path)
    cfg.model.data_preprocessor.size = (64, 128)
    model = MODELS.build(cfg.model)
    model.init_weights()
    num_classes = cfg.model.decode_head.num_classes
    torch.manual_seed(0)
    data = dict(inputs=[torch.randint(0, 256, (3, 64, 128), dtype=torch.uint8)] * 2,
                data_samples=[_sample(64, 128, num_classes, True) for _ in range(2)])
    model.train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    before = model.decode_head.conv_seg.weight.detach().clone()
    losses = model.train_step(data, optim)
    assert torch.isfinite(losses['loss']) and losses['loss'] > 0
    assert not torch.equal(before, model.decode_head.conv_seg.weight)

    # Whole-image inference at a size that is no multiple of 32: back at the input's size.
    model.eval()
    data = dict(inputs=[torch.randint(0, 256, (3, 75, 101), dtype=torch.uint8)],
                data_samples=[_sample(75, 101, num_classes, False)])
    with torch.no_grad():
        [pred] = model.test_step(data)
    assert pred.pred_sem_seg.data.shape == (1, 75, 101)
    assert pred.seg_logits.data.shape == (num_classes, 75, 101)
    assert int(pred.pred_sem_seg.data.max()) < num_classes


@pytest.mark.parametrize('path', TOP_LEVEL)
def test_seed_is_the_forks(path):
    # the fork's logs: "Set random seed to 0, deterministic: False"
    cfg = Config.fromfile(str(ROOT / path))
    assert cfg.randomness == dict(seed=0)
