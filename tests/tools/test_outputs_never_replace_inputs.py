"""The converter and the deploy tools refuse an output path that is one of their inputs,
before any work (the demos' own tests check theirs)."""
import importlib.util
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'


def tool(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('script, argv', [
    ('tools/convert_checkpoint.py', ['{ckpt}', '{ckpt}']),
    ('tools/convert_checkpoint.py', ['{ckpt}', '{link}']),  # the same file by another name
    ('tools/deploy/export_onnx.py', [str(CONFIG), '{ckpt}', '--out', '{ckpt}']),
    ('tools/deploy/export_onnx.py', [str(CONFIG), 'none', '--out', str(CONFIG)]),
    # An IR's weights go next to its .xml, as .bin: here onto the checkpoint.
    ('tools/deploy/quantize_int8.py', [str(CONFIG), '{ckpt}', '--out', '{dir}/weights.xml']),
])
def test_an_output_that_is_an_input_is_refused(tmp_path, monkeypatch, script, argv):
    name = 'weights.bin' if '{dir}' in argv[-1] else 'model.pth'
    ckpt, link = tmp_path / name, tmp_path / 'link.pth'
    torch.save({'state_dict': {}}, ckpt)
    link.symlink_to(ckpt)
    before = ckpt.read_bytes()
    argv = [arg.format(ckpt=ckpt, link=link, dir=tmp_path) for arg in argv]
    monkeypatch.setattr(sys, 'argv', [script, *argv])
    with pytest.raises(ValueError, match='refusing to write .*: it is the input'):
        tool(script).main()
    assert ckpt.read_bytes() == before
