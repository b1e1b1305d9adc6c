"""Every way mmengine loads a checkpoint goes through the guarded loader, whatever
TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD says (issue Reliability III, point 1)."""
import os
import shutil

import pytest
import torch
from mmengine.model import BaseModule
from mmengine.runner import load_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

import engine.checkpoint_loading.loading as loading
from engine import UnsafeCheckpointError, checkpoint_trust
from engine.checkpoint_loading import guard_checkpoint_schemes
from engine.checkpoint_loading.schemes import _SCHEMES

from .conftest import Call


@pytest.fixture
def forced_full_unpickling(monkeypatch):
    """The environment variable set, as users set it to make mmengine load on torch >= 2.6;
    the loader's log lines captured."""
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    logged = []
    monkeypatch.setattr(loading, 'print_log', lambda message, **_: logged.append(message))
    return logged


@pytest.fixture
def evil(tmp_path, toy_runner):
    """A real mmengine checkpoint of the toy run with ``open(marker, 'w')`` in its meta."""
    toy_runner().train()
    state = torch.load(tmp_path / 'work' / 'iter_2.pth', weights_only=False)
    marker = tmp_path / 'created_by_the_checkpoint.txt'
    state['meta']['note'] = Call(open, str(marker), 'w')
    path = tmp_path / 'evil.pth'
    torch.save(state, path)
    return path, marker


class Linear(BaseModule):
    def __init__(self, init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.weight = torch.nn.Parameter(torch.zeros(2))


def test_mmengine_registers_the_schemes_we_guard():
    """Fails when an mmengine release adds or renames a scheme: its loading must then be
    looked at again."""
    assert set(CheckpointLoader._schemes) == set(_SCHEMES)
    assert all(getattr(loader, 'guarded', False) for loader in CheckpointLoader._schemes.values())


def test_resume_is_refused_with_the_variable_set(forced_full_unpickling, evil, toy_runner,
                                                 tmp_path):
    path, marker = evil
    runner = toy_runner(work_dir=str(tmp_path / 'resumed'), resume=True, load_from=str(path))
    with pytest.raises(UnsafeCheckpointError) as error:
        runner.train()
    assert error.value.path == str(path)
    assert not marker.exists()
    assert any('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD is set and ignored' in line
               for line in forced_full_unpickling)


def test_pretrained_init_is_refused_with_the_variable_set(forced_full_unpickling, evil):
    path, marker = evil
    model = Linear(init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    with pytest.raises(UnsafeCheckpointError):
        model.init_weights()
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(Linear(), str(path))
    assert not marker.exists()


def test_downloads_are_loaded_weights_only(evil, tmp_path, monkeypatch):
    """mmengine's http loader is torch hub's, which unpickles fully by default."""
    path, marker = evil
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    monkeypatch.setattr(torch.hub, 'download_url_to_file',
                        lambda url, dst, progress=True: shutil.copy(path, dst))
    with pytest.raises(UnsafeCheckpointError):
        CheckpointLoader.load_checkpoint('https://example.org/models/evil.pth')
    assert not marker.exists()


def test_genuine_checkpoints_load_through_every_path(tmp_path, toy_runner, monkeypatch,
                                                     forced_full_unpickling):
    toy_runner().train()
    path = tmp_path / 'work' / 'iter_6.pth'
    toy_runner(work_dir=str(tmp_path / 'resumed'), resume=True, load_from=str(path),
               train_cfg=dict(by_epoch=False, max_iters=8)).train()
    model = Linear(init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    model.init_weights()
    assert torch.equal(model.weight, torch.load(path, weights_only=False)['state_dict']['weight'])
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    monkeypatch.setattr(torch.hub, 'download_url_to_file',
                        lambda url, dst, progress=True: shutil.copy(path, dst))
    assert 'message_hub' in CheckpointLoader.load_checkpoint('https://example.org/iter_6.pth')


def test_trust_unpickles_fully_within_its_context_only(evil, monkeypatch):
    path, marker = evil
    monkeypatch.delenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', raising=False)
    with checkpoint_trust(True):
        load_checkpoint(Linear(), str(path))
    assert marker.exists()  # what --trust-checkpoint means
    marker.unlink()
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(Linear(), str(path))
    assert not marker.exists()
    assert 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD' not in os.environ


def test_a_replaced_loader_is_guarded_again(monkeypatch):
    original = CheckpointLoader._schemes['']
    monkeypatch.setitem(CheckpointLoader._schemes, '', lambda filename, map_location: None)
    guard_checkpoint_schemes()
    assert getattr(CheckpointLoader._schemes[''], 'guarded', False)
    monkeypatch.setitem(CheckpointLoader._schemes, '', original)
