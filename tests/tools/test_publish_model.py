"""tools/misc/publish_model.py: a checkpoint of tools/train.py, published, loads through
``init_cfg=dict(type='Pretrained')`` in another OpenMMLab project (mmengine's own
``torch.load``, weights-only under torch >= 2.6), alone and in mmdet and mmseg models, with the
trained weights; the unpublished one fails there, as the README says."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from .conftest import ROOT, tool_env

# One training iteration, no validation: a checkpoint as CheckpointHook writes it.
ONE_ITERATION = ['train_cfg.max_epochs=1', 'train_dataloader.batch_size=2',
                 'train_dataloader.dataset.indices=2', 'val_cfg=None', 'val_dataloader=None',
                 'val_evaluator=None']
LOADER = ROOT / 'tests/tools/load_published_backbone.py'


@pytest.fixture(scope='module')
def trained(tools, tmp_path_factory) -> dict:
    """A one-iteration training checkpoint of the COCO demo, its published form (and the
    publishing run), and the trained backbone's tensors in a plain file."""
    folder = tmp_path_factory.mktemp('publish')
    result = tools.train(tools.POSE_COCO, '--work-dir', str(folder / 'work'), '--cfg-options',
                         *ONE_ITERATION)
    assert result.returncode == 0, tools.tail(result)
    checkpoint = (folder / 'work' / 'last_checkpoint').read_text().strip()
    published = subprocess.run(
        [sys.executable, 'tools/misc/publish_model.py', checkpoint, str(folder / 'l18.pth')],
        cwd=ROOT, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    state = torch.load(checkpoint, weights_only=False)['state_dict']
    backbone = {key[len('backbone.'):]: tensor for key, tensor in state.items()
                if key.startswith('backbone.')}
    expected = folder / 'backbone.pth'
    torch.save(backbone, expected)
    return dict(checkpoint=checkpoint, publishing=published, expected=str(expected),
                published=sorted(folder.glob('l18-*_*.pth')), folder=folder)


def load_elsewhere(framework: str, checkpoint: str, expected: str) -> subprocess.CompletedProcess:
    """tests/tools/load_published_backbone.py in a fresh interpreter, PYTHONPATH unset: the
    installed ``litehrnet`` and the framework, nothing else of this project."""
    env = {key: value for key, value in tool_env().items() if key != 'PYTHONPATH'}
    return subprocess.run([sys.executable, str(LOADER), framework, checkpoint, expected],
                          cwd=ROOT / 'tests', env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=240)


@pytest.mark.subprocess
def test_publishing_keeps_weights_and_plain_metadata(trained):
    result = trained['publishing']
    assert result.returncode == 0, result.stdout
    assert len(trained['published']) == 1
    path = trained['published'][0]
    assert f'wrote {path}' in result.stdout
    published = torch.load(path, weights_only=True)
    assert set(published) == {'state_dict', 'meta'}
    trained_state = torch.load(trained['checkpoint'], weights_only=False)['state_dict']
    assert published['state_dict'].keys() == trained_state.keys()
    assert all(torch.equal(published['state_dict'][k], v) for k, v in trained_state.items())
    assert isinstance(published['meta']['dataset_meta']['sigmas'], list)
    # The name carries the file's hash, as OpenMMLab's released models do.
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert path.name.startswith(f'l18-{digest[:8]}_')


@pytest.mark.subprocess
@pytest.mark.parametrize('framework', ['mmengine', 'mmdet', 'mmseg'])
def test_published_checkpoint_loads_through_init_cfg_elsewhere(trained, framework):
    result = load_elsewhere(framework, str(trained['published'][0]), trained['expected'])
    assert result.returncode == 0, result.stdout[-3000:]
    assert 'all equal' in result.stdout


@pytest.mark.subprocess
def test_training_checkpoint_fails_elsewhere_as_the_readme_says(trained):
    result = load_elsewhere('mmengine', trained['checkpoint'], trained['expected'])
    assert result.returncode != 0
    assert 'Weights only load failed' in result.stdout
    readme = (ROOT / 'README.md').read_text()
    assert 'Weights only load failed' in readme and 'tools/misc/publish_model.py' in readme


@pytest.mark.subprocess
def test_publishing_never_replaces_its_input(trained):
    checkpoint = Path(trained['checkpoint'])
    before = checkpoint.read_bytes()
    result = subprocess.run(
        [sys.executable, 'tools/misc/publish_model.py', str(checkpoint), str(checkpoint)],
        cwd=ROOT, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert result.returncode != 0
    assert f'refusing to write {checkpoint}' in result.stdout
    assert checkpoint.read_bytes() == before


@pytest.mark.subprocess
def test_a_file_that_is_no_checkpoint_is_named_and_nothing_is_written(tmp_path):
    page = tmp_path / 'model.pth'
    page.write_text('<html>404 Not Found</html>')
    result = subprocess.run(
        [sys.executable, 'tools/misc/publish_model.py', str(page), str(tmp_path / 'out.pth')],
        cwd=ROOT, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert result.returncode != 0
    assert f'cannot load checkpoint {page}' in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ['model.pth']
