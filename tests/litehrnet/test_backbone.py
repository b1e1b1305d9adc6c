import warnings

import pytest
import torch
from torch import nn

from litehrnet import LiteHRNet
from litehrnet.complexity import count_parameters
from litehrnet.init_presets import INIT_PRESETS

from .conftest import VARIANT_NAMES, variant_extra

# Backbone + 1x1 head with bias on the final map (docs/original_work.md, "Checkpoint key scheme"), K = 17.
PUBLISHED_PARAMS = {
    'litehrnet_18': 1_130_769,
    'litehrnet_30': 1_763_717,
    'naive_litehrnet_18': 760_365,
    'wider_naive_litehrnet_18': 1_318_625,
}


def build(name='litehrnet_18', **kwargs):
    kwargs.setdefault('init_cfg', None)
    return LiteHRNet(variant_extra(name), **kwargs)


@pytest.mark.parametrize('name', VARIANT_NAMES)
def test_parameter_count_with_1x1_head(name):
    backbone = build(name)
    k, c = 17, backbone.out_channels[0]
    assert count_parameters(backbone) + c * k + k == PUBLISHED_PARAMS[name]


@pytest.mark.parametrize('name', VARIANT_NAMES)
def test_all_branch_shapes(name):
    model = build(name, out_indices=(0, 1, 2, 3)).eval()
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 64, 96))
    width = 30 if name == 'naive_litehrnet_18' else 40
    expected_channels = [width, width, 2 * width, 4 * width]
    assert [o.shape[1] for o in outs] == expected_channels
    assert [tuple(o.shape[2:]) for o in outs] == [(16, 24), (8, 12), (4, 6), (2, 3)]


def test_pose_output_is_highest_resolution_only():
    model = build().eval()
    with torch.no_grad():
        outs = model(torch.randn(2, 3, 64, 48))
    assert len(outs) == 1 and outs[0].shape == (2, 40, 16, 12)


def test_without_iterative_head_returns_stage_widths():
    model = LiteHRNet(variant_extra('litehrnet_18', with_head=False), out_indices=(0, 1, 2, 3),
                      init_cfg=None).eval()
    assert not hasattr(model, 'head_layer')
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 64, 64))
    assert [o.shape[1] for o in outs] == [40, 80, 160, 320]


@pytest.mark.parametrize('size', [(97, 33), (250, 190), (65, 129)])
def test_sizes_not_multiple_of_32(size):
    model = build(out_indices=(0, 1, 2, 3)).eval()
    with torch.no_grad():
        outs = model(torch.randn(1, 3, *size))
    h, w = size
    for k, out in enumerate(outs):
        for _ in range(k + 2):
            h, w = -(-h // 2), -(-w // 2)
        assert tuple(out.shape[2:]) == (h, w)
        h, w = size
    assert all(torch.isfinite(o).all() for o in outs)


def test_invalid_out_indices_and_module_type():
    with pytest.raises(ValueError, match='out_indices'):
        build(out_indices=(4, ))
    extra = variant_extra('litehrnet_18')
    extra['stages_spec']['module_type'] = ('LITE', 'FANCY', 'LITE')
    with pytest.raises(ValueError, match='FANCY'):
        LiteHRNet(extra, init_cfg=None)


def _train_step(model, x):
    model.zero_grad()
    outs = model(x)
    sum((o * torch.linspace(-1, 1, o.numel()).view_as(o)).sum() for o in outs).backward()
    return outs


def test_with_cp_matches_without():
    torch.manual_seed(0)
    plain = build(out_indices=(0, 1, 2, 3))
    ckpt = build(out_indices=(0, 1, 2, 3), with_cp=True)
    ckpt.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 64, 64)
    out_plain = _train_step(plain.train(), x)
    out_ckpt = _train_step(ckpt.train(), x)
    for a, b in zip(out_plain, out_ckpt):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    for (name, p), q in zip(plain.named_parameters(), ckpt.parameters()):
        assert p.grad is not None, name
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-5, atol=1e-7, msg=name)
    # The recomputation in backward must not update the norm statistics a second time.
    for (name, a), b in zip(plain.named_buffers(), ckpt.buffers()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-7, msg=name)


def test_frozen_stages():
    model = build(frozen_stages=1)
    model.train()
    frozen = [model.stem, model.transition0, model.stage0]
    for module in frozen:
        assert not module.training
        assert all(not p.requires_grad for p in module.parameters())
    assert model.stage1.training
    assert all(p.requires_grad for p in model.stage1.parameters())
    before = model.stem.conv1.bn.running_mean.clone()
    _train_step(model, torch.randn(2, 3, 64, 64))
    assert torch.equal(model.stem.conv1.bn.running_mean, before)
    assert model.stage1[0].fuse_layers[0][1][0].weight.grad is not None
    with pytest.raises(ValueError, match='frozen_stages'):
        build(frozen_stages=4)


def test_norm_eval_keeps_statistics():
    model = build(norm_eval=True).train()
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert norms and all(not m.training for m in norms)
    before = [m.running_var.clone() for m in norms]
    _train_step(model, torch.randn(2, 3, 64, 64))
    assert all(torch.equal(b, m.running_var) for b, m in zip(before, norms))


def test_norm_configs_build():
    # The cross-resolution weighting has 7, 17 and 37 hidden channels: only one group divides them.
    gn = build(norm_cfg=dict(type='GN', num_groups=1)).eval()
    assert any(isinstance(m, nn.GroupNorm) for m in gn.modules())
    with torch.no_grad():
        assert gn(torch.randn(1, 3, 64, 64))[0].shape == (1, 40, 16, 16)
    sync = build(norm_cfg=dict(type='SyncBN', requires_grad=True))
    assert any(isinstance(m, nn.SyncBatchNorm) for m in sync.modules())
    # SyncBN keeps the checkpoint key names of BN ('bn', not 'syncbn').
    assert set(sync.state_dict()) == set(build().state_dict())


def test_default_init_is_the_original_one():
    model = LiteHRNet(variant_extra('litehrnet_18'))
    model.init_weights()
    conv = model.stage1[0].fuse_layers[0][1][0]
    assert 0.0005 < conv.weight.std().item() < 0.002
    bn = model.stem.conv1.bn
    assert torch.equal(bn.weight, torch.ones_like(bn.weight))
    assert torch.equal(bn.bias, torch.zeros_like(bn.bias))


@pytest.mark.parametrize('preset', sorted(INIT_PRESETS))
def test_pretrained_loading_with_prefix(tmp_path, preset):
    """A released checkpoint overwrites every tensor whatever the initialisation preset."""
    source = build()
    for p in source.parameters():
        nn.init.uniform_(p, -1, 1)
    state = {f'backbone.{k}': v for k, v in source.state_dict().items()}
    state['keypoint_head.final_layer.weight'] = torch.zeros(17, 40, 1, 1)
    path = tmp_path / 'released.pth'
    torch.save({'state_dict': state, 'meta': {'epoch': 210}}, path)
    target = LiteHRNet(variant_extra('litehrnet_18'), init_preset=preset,
                       init_cfg=dict(type='Pretrained', checkpoint=str(path), prefix='backbone.'))
    target.init_weights()
    for (name, a), b in zip(source.state_dict().items(), target.state_dict().values()):
        assert torch.equal(a, b), name


@pytest.mark.slow
def test_trace_without_warnings_and_with_another_batch_size():
    model = LiteHRNet(variant_extra('litehrnet_18'), init_cfg=None).eval()
    x = torch.randn(1, 3, 64, 64)
    with warnings.catch_warnings():
        warnings.simplefilter('error', torch.jit.TracerWarning)
        traced = torch.jit.trace(model, x)
    x3 = torch.randn(3, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(traced(x3)[0], model(x3)[0])
