"""Genuine checkpoints load weights-only exactly as full unpickling loads them: mmengine's
(with the message hub and schedulers), mmcv 1.x's as the original release wrote them, mmpose
1.x's (numpy in the dataset meta), torch's legacy format and every pickle protocol."""
import pickle
from collections import Counter, OrderedDict

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from engine import load_checkpoint_file


def assert_same(loaded, expected, where='checkpoint'):
    """Equal structure, types and values; tensors also equal in dtype, stride and
    requires_grad."""
    assert type(loaded) is type(expected), where
    if isinstance(expected, torch.Tensor):
        assert loaded.dtype == expected.dtype and loaded.stride() == expected.stride(), where
        assert loaded.requires_grad == expected.requires_grad, where
        assert torch.equal(loaded, expected), where
    elif isinstance(expected, np.ndarray):
        assert loaded.dtype == expected.dtype and np.array_equal(loaded, expected), where
    elif isinstance(expected, HistoryBuffer):
        assert loaded.max_length == expected.max_length, where
        for name in ('_log_history', '_count_history'):
            assert_same(getattr(loaded, name), getattr(expected, name), f'{where}.{name}')
    elif isinstance(expected, dict):
        assert list(loaded) == list(expected), where
        for key in expected:
            assert_same(loaded[key], expected[key], f'{where}[{key!r}]')
        assert getattr(loaded, '_metadata', None) == getattr(expected, '_metadata', None)
    elif isinstance(expected, (list, tuple)):
        assert len(loaded) == len(expected), where
        for index, (a, b) in enumerate(zip(loaded, expected)):
            assert_same(a, b, f'{where}[{index}]')
    else:
        assert loaded == expected, where


def check(path, **kwargs):
    expected = torch.load(path, weights_only=False, **kwargs)
    assert_same(load_checkpoint_file(str(path), **kwargs), expected)


def test_an_mmengine_training_checkpoint(toy_runner, tmp_path):
    toy_runner(param_scheduler=dict(type='MultiStepLR', milestones=[2, 4], by_epoch=False),
               optim_wrapper=dict(optimizer=dict(type='AdamW', lr=0.1))).train()
    path = tmp_path / 'work' / 'iter_6.pth'
    state = torch.load(path, weights_only=False)
    assert isinstance(state['param_schedulers'][0]['milestones'], Counter)
    assert isinstance(state['message_hub']['log_scalars']['train/loss'], HistoryBuffer)
    check(path)


def state_dict():
    """A module's state dict, with its ``_metadata``, parameters and a shared storage."""
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    state = model.state_dict(keep_vars=True)
    state['tied'] = state['0.weight']
    state['view'] = state['0.weight'].detach()[1:3].transpose(0, 1)
    return state


@pytest.mark.parametrize('zip_format', [True, False])
def test_an_mmcv_1x_checkpoint_as_the_original_release_wrote_it(tmp_path, zip_format):
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    checkpoint = {
        'meta': {'mmcv_version': '1.3.8', 'time': 'Tue Jun  1 12:00:00 2021', 'epoch': 210,
                 'iter': 123900, 'config': "model = dict(type='TopDown')", 'CLASSES': None},
        'state_dict': OrderedDict((f'backbone.{k}', v.cpu()) for k, v in
                                  state_dict().items()),
        'optimizer': optimizer.state_dict()}
    path = tmp_path / 'litehrnet_18_coco_256x192.pth'
    torch.save(checkpoint, path, _use_new_zipfile_serialization=zip_format)
    check(path)


def test_an_mmpose_1x_checkpoint_with_numpy_metadata(tmp_path):
    dataset_meta = dict(
        dataset_name='coco', num_keypoints=17, flip_indices=[0, 2, 1, 4, 3],
        sigmas=np.array([.026, .025, .025], dtype=np.float32),
        keypoint_colors=np.array([[51, 153, 255]] * 3, dtype=np.uint8),
        skeleton_links=[(15, 13), (13, 11)], keypoint_name2id={'nose': 0},
        dataset_keypoint_weights=np.ones(3, dtype=np.float32), upper_body_ids=(0, 1, 2))
    buffer = HistoryBuffer()
    for value in (0.5, 0.25):
        buffer.update(value)
    checkpoint = {'meta': {'dataset_meta': dataset_meta, 'seed': 21, 'epoch': 210,
                           'mmengine_version': '0.7.1', 'best_score': np.float64(0.648)},
                  'state_dict': state_dict(),
                  'message_hub': {'log_scalars': {'coco/AP': buffer},
                                  'runtime_info': {'epoch': 210, 'dataset_meta': dataset_meta},
                                  'resumed_keys': {'epoch': True}}}
    path = tmp_path / 'mmpose.pth'
    torch.save(checkpoint, path)
    check(path)
    loaded = load_checkpoint_file(str(path))
    # mmengine's resume compares the dataset meta of the run and of the checkpoint
    assert pickle.dumps(loaded['meta']['dataset_meta']) == pickle.dumps(dataset_meta)
    weights = loaded['state_dict']
    assert weights['tied'] is weights['0.weight']  # as torch.load: one object
    assert weights['view'].untyped_storage().data_ptr() == \
        weights['0.weight'].untyped_storage().data_ptr()  # a view stays a view


@pytest.mark.parametrize('protocol', [2, 3, 4, 5])
@pytest.mark.parametrize('zip_format', [True, False])
def test_every_pickle_protocol_and_format(tmp_path, protocol, zip_format):
    checkpoint = {'state_dict': state_dict(), 'numbers': np.arange(6.0).reshape(2, 3),
                  'half': torch.ones(3, dtype=torch.float16), 'flags': torch.tensor([True]),
                  'bytes': b'\x00\xff', 'empty': b'', 'size': torch.Size([2, 3]),
                  'complex': torch.tensor([1 + 2j]), 'dtype': torch.bfloat16,
                  'set': {1, 2}, 'scalar': np.int64(7), 'device': torch.device('cpu')}
    path = tmp_path / 'any.pth'
    torch.save(checkpoint, path, pickle_protocol=protocol,
               _use_new_zipfile_serialization=zip_format)
    check(path)


def test_map_location_follows_torch_load(tmp_path):
    path = tmp_path / 'plain.pth'
    torch.save({'w': torch.ones(2)}, path)
    seen = []

    def keep(storage, location):
        seen.append(location)
        return storage
    assert torch.equal(load_checkpoint_file(str(path), map_location=keep)['w'], torch.ones(2))
    assert seen == ['cpu']
    for location in (None, 'cpu', torch.device('cpu'), {'cpu': 'cpu'}):
        check(path, map_location=location)
