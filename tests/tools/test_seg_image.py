"""tools/demo/seg_image.py paints a model's classes over an image."""
import importlib.util
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


def run(monkeypatch, *args) -> None:
    monkeypatch.setattr(sys, 'argv', ['seg_image.py', *map(str, args)])
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
