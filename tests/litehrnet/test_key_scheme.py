"""State-dict keys, generated independently from the released checkpoints' naming scheme
(docs/original_work.md, "Checkpoint key scheme"), must equal the model's keys exactly."""
import pytest

from litehrnet import LiteHRNet

from .conftest import variant_extra

BN = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')


def norm(prefix):
    return {f'{prefix}.{s}' for s in BN}


def conv_module(prefix, with_norm=True):
    if not with_norm:  # conv with bias, no norm
        return {f'{prefix}.conv.weight', f'{prefix}.conv.bias'}
    return {f'{prefix}.conv.weight'} | norm(f'{prefix}.bn')


def dw_pw(prefix):
    return {f'{prefix}.0.weight', f'{prefix}.2.weight'} | norm(f'{prefix}.1') | norm(f'{prefix}.3')


def expected_keys(extra):
    keys = set()
    for name in ('conv1', 'branch1.0', 'branch1.1', 'expand_conv', 'depthwise_conv',
                 'linear_conv'):
        keys |= conv_module(f'stem.{name}')
    spec = extra['stages_spec']
    pre = [extra['stem']['out_channels']]
    for s in range(extra['num_stages']):
        cur = spec['num_channels'][s]
        for b, c in enumerate(cur):
            if b < len(pre):
                if c != pre[b]:
                    keys |= dw_pw(f'transition{s}.{b}')
            else:
                for step in range(b + 1 - len(pre)):
                    keys |= dw_pw(f'transition{s}.{b}.{step}')
        n = len(cur)
        for m in range(spec['num_modules'][s]):
            p = f'stage{s}.{m}'
            for blk in range(spec['num_blocks'][s]):
                if spec['module_type'][s] == 'LITE':
                    keys |= conv_module(f'{p}.layers.{blk}.cross_resolution_weighting.conv1')
                    keys |= conv_module(f'{p}.layers.{blk}.cross_resolution_weighting.conv2')
                    for k in range(n):
                        keys |= conv_module(f'{p}.layers.{blk}.depthwise_convs.{k}')
                        for c in ('conv1', 'conv2'):
                            keys |= conv_module(f'{p}.layers.{blk}.spatial_weighting.{k}.{c}',
                                                with_norm=False)
                else:
                    for k in range(n):
                        for i in range(3):
                            keys |= conv_module(f'{p}.layers.{k}.{blk}.branch2.{i}')
            for i in range(n):
                for j in range(n):
                    if j > i:
                        keys |= {f'{p}.fuse_layers.{i}.{j}.0.weight'}
                        keys |= norm(f'{p}.fuse_layers.{i}.{j}.1')
                    elif j < i:
                        for step in range(i - j):
                            keys |= dw_pw(f'{p}.fuse_layers.{i}.{j}.{step}')
        pre = cur
    if extra['with_head']:
        for i in range(len(pre)):
            keys |= conv_module(f'head_layer.projects.{i}.depthwise_conv')
            keys |= conv_module(f'head_layer.projects.{i}.pointwise_conv')
    return keys


@pytest.mark.parametrize('name', ['litehrnet_18', 'litehrnet_30', 'naive_litehrnet_18'])
def test_keys_match_the_released_scheme(name):
    extra = variant_extra(name)
    model_keys = set(LiteHRNet(extra, init_cfg=None).state_dict())
    expected = expected_keys(extra)
    assert model_keys == expected, (sorted(model_keys - expected)[:5],
                                    sorted(expected - model_keys)[:5])


def test_selected_shapes():
    state = LiteHRNet(variant_extra('litehrnet_18'), init_cfg=None).state_dict()
    shapes = {
        'stem.conv1.conv.weight': (32, 3, 3, 3),
        'transition0.1.0.2.weight': (80, 32, 1, 1),
        'stage0.0.layers.0.cross_resolution_weighting.conv1.conv.weight': (7, 60, 1, 1),
        'stage1.0.layers.0.cross_resolution_weighting.conv1.conv.weight': (17, 140, 1, 1),
        'stage2.0.layers.0.cross_resolution_weighting.conv1.conv.weight': (37, 300, 1, 1),
        'stage2.0.layers.0.spatial_weighting.3.conv1.conv.weight': (40, 160, 1, 1),
        'stage2.0.fuse_layers.3.0.2.2.weight': (320, 40, 1, 1),
        'head_layer.projects.0.pointwise_conv.conv.weight': (160, 320, 1, 1),
        'head_layer.projects.3.pointwise_conv.conv.weight': (40, 40, 1, 1),
    }
    for key, shape in shapes.items():
        assert tuple(state[key].shape) == shape, key
