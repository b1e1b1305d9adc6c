"""tools/train.py --load-from: weights-only unless trusted, and strict unless partial loading is
allowed."""
import textwrap

import pytest
import torch

from pose.apis import init_model

# One training iteration, no validation.
ONE_ITERATION = ['train_cfg.max_epochs=1', 'train_dataloader.batch_size=2',
                 'train_dataloader.dataset.indices=2', 'val_cfg=None', 'val_dataloader=None',
                 'val_evaluator=None']
# Unpickling a Payload runs _touch: the marker file shows whether the checkpoint was unpickled.
PAYLOAD_MODULE = '''
import pathlib


def _touch(path):
    pathlib.Path(path).write_text('this ran while the checkpoint was unpickled')
    return 'payload'


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return _touch, (self.marker,)
'''


@pytest.fixture(scope='module')
def pose_state(tools) -> dict:
    """The state dict of the COCO demo's model."""
    return init_model(str(tools.root / tools.POSE_COCO)).state_dict()


@pytest.fixture
def payload(tmp_path, monkeypatch):
    """The Payload class (importable here and, through ``env``, in the tools) and its marker."""
    (tmp_path / 'payload_module.py').write_text(textwrap.dedent(PAYLOAD_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    import payload_module
    marker = tmp_path / 'unpickled.txt'
    return dict(obj=payload_module.Payload(str(marker)), marker=marker,
                env={'PYTHONPATH': str(tmp_path)})


def test_checkpoint_that_needs_unpickling_is_refused(tools, tmp_path, pose_state, payload):
    path = tmp_path / 'payload.pth'
    torch.save({'state_dict': pose_state, 'meta': {'note': payload['obj']}}, path)
    result = tools.train(tools.POSE_COCO, '--work-dir', str(tmp_path / 'work'), '--load-from',
                         str(path), '--cfg-options', *ONE_ITERATION, env=payload['env'])
    assert result.returncode != 0
    assert f'refused to load checkpoint {path}' in result.stdout
    assert '--trust-checkpoint' in result.stdout
    assert not payload['marker'].exists()  # nothing in the file ran
    assert 'Epoch(train)' not in result.stdout


def test_trusted_partial_checkpoint_loads_with_both_flags(tools, tmp_path, pose_state, payload):
    state = dict(pose_state)
    del state['head.final_layer.bias']
    path = tmp_path / 'payload_partial.pth'
    torch.save({'state_dict': state, 'meta': {'note': payload['obj']}}, path)
    result = tools.train(tools.POSE_COCO, '--work-dir', str(tmp_path / 'work'), '--load-from',
                         str(path), '--trust-checkpoint', '--allow-partial-load',
                         '--cfg-options', *ONE_ITERATION, env=payload['env'])
    assert result.returncode == 0, tools.tail(result)
    assert payload['marker'].exists()
    assert 'missing in the checkpoint: head.final_layer.bias' in result.stdout
    assert '--allow-partial-load: loading only' in result.stdout
    assert 'Epoch(train) [1][1/1]' in result.stdout


def test_mismatching_checkpoint_is_refused_with_the_first_mismatches(tools, tmp_path,
                                                                     pose_state):
    state = {key: value for key, value in pose_state.items() if not key.startswith('head.')}
    state['backbone.stem.conv1.conv.weight'] = torch.zeros(1)
    state['neck.extra.weight'] = torch.zeros(1)
    path = tmp_path / 'other_model.pth'
    torch.save({'state_dict': state}, path)
    result = tools.train(tools.POSE_COCO, '--work-dir', str(tmp_path / 'work'), '--load-from',
                         str(path), '--cfg-options', *ONE_ITERATION)
    assert result.returncode != 0
    assert f'checkpoint {path} does not fit' in result.stdout
    assert 'missing in the checkpoint: head.final_layer.weight' in result.stdout
    assert 'not in the model: neck.extra.weight' in result.stdout
    assert 'size mismatch for backbone.stem.conv1.conv.weight' in result.stdout
    assert '--allow-partial-load' in result.stdout
    assert 'Epoch(train)' not in result.stdout


def test_resume_from_a_hostile_file_is_refused_even_with_forced_full_unpickling(
        tools, tmp_path, pose_state, payload):
    """TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD, a common workaround for mmengine on torch >= 2.6,
    used to make mmengine's resume unpickle fully (--resume had no pre-check)."""
    path = tmp_path / 'payload.pth'
    torch.save({'state_dict': pose_state, 'meta': {'note': payload['obj']}}, path)
    result = tools.train(tools.POSE_COCO, '--work-dir', str(tmp_path / 'work'), '--resume',
                         str(path), '--cfg-options', *ONE_ITERATION,
                         env={**payload['env'], 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD': '1'})
    assert result.returncode != 0
    assert f'refused to load checkpoint {path}' in result.stdout
    assert 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD is set and ignored' in result.stdout
    assert not payload['marker'].exists()
    assert 'Epoch(train)' not in result.stdout
