"""tools/demo/seg_image.py paints a model's classes over an image."""
import importlib.util
import re
import sys
from pathlib import Path

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import seg  # noqa: F401
from mmseg.registry import MODELS

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/seg/demo/fcn_litehrnet-18_cityscapes-sample.py'
IMAGE = (ROOT / 'data/samples/cityscapes/leftImg8bit/val/frankfurt/'
         'frankfurt_000000_000294_leftImg8bit.png')
spec = importlib.util.spec_from_file_location('seg_image', ROOT / 'tools/demo/seg_image.py')
seg_image = importlib.util.module_from_spec(spec)
spec.loader.exec_module(seg_image)


pytestmark = pytest.mark.usefixtures('one_thread')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory) -> Path:
    """A freshly initialised demo model, saved as mmengine saves one (with dataset meta)."""
    init_default_scope('mmseg')
    model = MODELS.build(Config.fromfile(str(CONFIG)).model)
    model.init_weights()
    path = tmp_path_factory.mktemp('ckpt') / 'model.pth'
    meta = dict(dataset_meta=dict(classes=[f'class{i}' for i in range(19)],
                                  palette=[[i * 10, 255 - i * 10, 0] for i in range(19)]))
    torch.save(dict(state_dict=model.state_dict(), meta=meta), path)
    return path


def run(monkeypatch, *args, default_backend: bool = False) -> None:
    """The demo with ``args``; in PyTorch (no export) unless a backend is given or
    ``default_backend``."""
    backend = [] if default_backend or '--backend' in args else ['--backend', 'pytorch']
    monkeypatch.setattr(sys, 'argv', ['seg_image.py', *map(str, args), *backend])
    seg_image.main()


def test_writes_an_overlay_of_the_image_size(tmp_path, monkeypatch, checkpoint):
    out = tmp_path / 'vis' / 'overlay.png'
    run(monkeypatch, IMAGE, CONFIG, checkpoint, '--out', out, '--opacity', '0.7')
    painted, image = mmcv.imread(str(out)), mmcv.imread(str(IMAGE))
    assert painted.shape == image.shape == (128, 256, 3)
    assert np.abs(painted.astype(int) - image).mean() > 5


def test_full_opacity_paints_the_checkpoint_palette(tmp_path, monkeypatch, checkpoint):
    out = tmp_path / 'overlay.png'
    run(monkeypatch, IMAGE, CONFIG, checkpoint, '--out', out, '--opacity', '1')
    palette = np.array(torch.load(checkpoint)['meta']['dataset_meta']['palette'])
    painted = mmcv.imread(str(out), channel_order='rgb').reshape(-1, 1, 3)
    in_palette = (painted == palette).all(-1).any(-1)
    # Every pixel shows its class colour, but for the class names written over the regions;
    # none of the checkpoint's colours is in the config's (Cityscapes) palette.
    assert in_palette.mean() > 0.75


def test_falls_back_to_the_config_classes(tmp_path, monkeypatch, checkpoint):
    bare = tmp_path / 'bare.pth'
    torch.save(dict(state_dict=torch.load(checkpoint)['state_dict']), bare)
    model = seg_image.load_model(str(CONFIG), str(bare), 'cpu', trust=False)
    assert model.dataset_meta['classes'][0] == 'road'


def test_rejects_bad_opacity_and_missing_image(tmp_path, monkeypatch, checkpoint):
    with pytest.raises(SystemExit):
        run(monkeypatch, IMAGE, CONFIG, checkpoint, '--out', tmp_path / 'x.png', '--opacity', 0)
    with pytest.raises(FileNotFoundError, match='image not found'):
        run(monkeypatch, tmp_path / 'nope.png', CONFIG, checkpoint, '--out', tmp_path / 'x.png')


@pytest.mark.parametrize('content, reason', [
    (b'', 'empty file'), (b'not an image at all', 'not an image'),
    (b'\xff\xd8\xff\xe0\x00\x10JFIF', 'not an image')])  # JPEG cut short
def test_an_unreadable_image_is_named_before_the_model_is_built(tmp_path, monkeypatch,
                                                                  checkpoint, content, reason):
    bad = tmp_path / 'bad.jpg'
    bad.write_bytes(content)
    monkeypatch.setattr(seg_image, 'load_model', None)  # never reached
    with pytest.raises(ValueError, match=f'cannot read image {re.escape(str(bad))}: .*{reason}'):
        run(monkeypatch, bad, CONFIG, checkpoint, '--out', tmp_path / 'x.png')


def test_a_bad_output_is_refused_before_inference(tmp_path, monkeypatch, checkpoint):
    monkeypatch.setattr(seg_image, 'load_model', None)  # never reached
    with pytest.raises(ValueError, match="extension '.out'"):
        run(monkeypatch, IMAGE, CONFIG, checkpoint, '--out', tmp_path / 'overlay.out')
    copy = tmp_path / 'frame.png'
    copy.write_bytes(IMAGE.read_bytes())
    with pytest.raises(ValueError, match=f'it is the input {copy}'):
        run(monkeypatch, copy, CONFIG, checkpoint, '--out', copy)
    assert copy.read_bytes() == IMAGE.read_bytes()


def test_a_tiny_image_is_painted_and_a_failed_write_is_an_error(tmp_path, monkeypatch, capsys,
                                                                 checkpoint):
    tiny = tmp_path / 'tiny.png'
    mmcv.imwrite(np.full((1, 1, 3), 128, np.uint8), str(tiny))
    out = tmp_path / 'tiny_overlay.png'
    run(monkeypatch, tiny, CONFIG, checkpoint, '--out', out)
    assert mmcv.imread(str(out)).shape == (1, 1, 3)
    blocked = tmp_path / 'blocked.png'
    blocked.mkdir()
    with pytest.raises(OSError, match=f'cannot write image {blocked}'):
        run(monkeypatch, tiny, CONFIG, checkpoint, '--out', blocked)
    assert f'wrote {blocked}' not in capsys.readouterr().out


def test_the_fastest_backend_runs_by_default_and_is_named(tmp_path, monkeypatch, capsys,
                                                          checkpoint):
    run(monkeypatch, IMAGE, CONFIG, checkpoint, '--out', tmp_path / 'overlay.png',
        default_backend=True)
    assert 'backend: openvino\n' in capsys.readouterr().out  # installed by make install
