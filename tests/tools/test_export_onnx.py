"""tools/deploy/export_onnx.py: pose, multi-task pose and segmentation models to ONNX with a
dynamic batch axis, checked in onnxruntime against PyTorch."""
import importlib.util
import sys
from pathlib import Path
from typing import Callable

import numpy as np
import onnx
import pytest
import torch

from engine import TensorForward, build_model, runtime_session
from litehrnet.deploy import export_onnx

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location('export_onnx',
                                              ROOT / 'tools/deploy/export_onnx.py')
export_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export_tool)

# Every pose variant, and segmentors reading one branch and all four (whose outputs the
# shuffle-free form must put back in channel order); both forms of the Lite stages.
CASES = [
    ('configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py', (64, 48), []),
    ('configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py', (64, 48),
     ['--form', 'shuffle-free']),
    ('configs/pose/lite_hrnet/coco/litehrnet_30_coco_256x192.py', (64, 48), []),
    ('configs/pose/naive_litehrnet/coco/naive_litehrnet_18_coco_256x192.py', (64, 48), []),
    ('configs/pose/naive_litehrnet/coco/wider_naive_litehrnet_18_coco_256x192.py', (64, 48), []),
    ('configs/seg/fcn_litehrnet-18_cityscapes-512x1024.py', (64, 128), []),
    ('configs/seg/fcn-resize-concat_litehrnet-18_cityscapes-512x1024.py', (64, 128), []),
]
MASK_CONFIG = 'configs/pose/lite_hrnet_mask/coco/litehrnet_18_mask_coco_256x192.py'


@pytest.fixture
def write_checkpoint(randomised_norms) -> Callable[[str, Path], None]:
    """``write(config, path)``: the config's model saved to ``path`` with weights at a realistic
    scale and non-trivial norm statistics."""

    def write(config: str, path: Path) -> None:
        model = build_model(str(ROOT / config))
        torch.manual_seed(0)
        torch.save({'state_dict': randomised_norms(model).state_dict()}, path)

    return write


@pytest.mark.parametrize('config,shape,options', CASES)
def test_dynamic_batch_export_matches_pytorch(tmp_path, monkeypatch, write_checkpoint, config,
                                              shape, options):
    checkpoint, out = tmp_path / 'model.pth', tmp_path / 'model.onnx'
    write_checkpoint(config, checkpoint)
    monkeypatch.setattr(sys, 'argv', [
        'export_onnx.py', str(ROOT / config), str(checkpoint), '--out', str(out),
        '--dynamic-batch', '--shape', *map(str, shape), *options])
    assert export_tool.main() == 0

    graph = onnx.load(str(out)).graph
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == 'batch'
    assert [output.name for output in graph.output] == ['output']  # one output, as before
    model = build_model(str(ROOT / config), str(checkpoint))
    run = runtime_session(str(out), 'onnxruntime')
    for batch in (1, 3):
        x = torch.randn(batch, 3, *shape)
        with torch.no_grad():
            expected = TensorForward(model)(x).numpy()
        got = run(x.numpy())
        assert got.shape == expected.shape
        assert np.abs(got - expected).max() <= 1e-4


def test_written_graph_has_only_arithmetic(tmp_path, monkeypatch, capsys, write_checkpoint):
    """The form OpenVINO gets (shuffle-free) of a Lite model: no split, concatenation of branch
    halves, reshape or exporter debris left, and OpenVINO agrees with PyTorch. (At a size
    whose branches all halve exactly: otherwise a resize to an odd size reads a shape.)"""
    config = 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py'
    checkpoint, out = tmp_path / 'model.pth', tmp_path / 'model.onnx'
    write_checkpoint(config, checkpoint)
    monkeypatch.setattr(sys, 'argv', ['export_onnx.py', str(ROOT / config), str(checkpoint),
                                      '--out', str(out), '--dynamic-batch', '--shape', '128', '96',
                                      '--runtime', 'openvino'])
    assert export_tool.main() == 0
    printed = capsys.readouterr().out
    assert 'traced graph:' in printed and 'written graph:' in printed
    ops = {node.op_type for node in onnx.load(str(out)).graph.node}
    assert not ops & {'Identity', 'Constant', 'Unsqueeze', 'Reshape', 'Transpose', 'Shape'}
    model = build_model(str(ROOT / config), str(checkpoint))
    run = runtime_session(str(out), 'openvino', threads=1)
    x = torch.randn(2, 3, 128, 96)
    with torch.no_grad():
        expected = TensorForward(model)(x).numpy()
    assert np.abs(run(x.numpy()) - expected).max() <= 1e-4


@pytest.mark.parametrize('runtime', ['onnxruntime', 'openvino'])
def test_a_mask_model_exports_both_outputs(tmp_path, monkeypatch, capsys, write_checkpoint,
                                           runtime):
    """Heatmaps and mask logits, named, both with a free batch axis, equal to PyTorch at
    batches 1 and 3 in the runtime whose graph form was exported; the tool's parity check
    reports both."""
    checkpoint, out = tmp_path / 'model.pth', tmp_path / 'model.onnx'
    write_checkpoint(MASK_CONFIG, checkpoint)
    monkeypatch.setattr(sys, 'argv', [
        'export_onnx.py', str(ROOT / MASK_CONFIG), str(checkpoint), '--out', str(out),
        '--dynamic-batch', '--shape', '64', '48', '--runtime', runtime])
    assert export_tool.main() == 0
    parity = capsys.readouterr().out.splitlines()[-1]
    assert 'onnxruntime vs PyTorch max |diff| heatmaps' in parity and 'mask_logits' in parity

    graph = onnx.load(str(out)).graph
    assert [output.name for output in graph.output] == ['heatmaps', 'mask_logits']
    assert all(output.type.tensor_type.shape.dim[0].dim_param == 'batch'
               for output in graph.input[:1] + graph.output[:])
    model = build_model(str(ROOT / MASK_CONFIG), str(checkpoint))
    run = runtime_session(str(out), runtime, threads=1)
    for batch in (1, 3):
        x = torch.randn(batch, 3, 64, 48)
        with torch.no_grad():
            expected = TensorForward(model)(x)
        got = run(x.numpy())
        assert [out.shape for out in got] == [(batch, 17, 16, 12), (batch, 1, 16, 12)]
        for ours, theirs in zip(got, expected):
            assert np.abs(ours - theirs.numpy()).max() <= 1e-4


def test_output_names_must_name_every_output(tmp_path):
    model = build_model(str(ROOT / MASK_CONFIG))
    with pytest.raises(ValueError, match=r'2 output\(s\) \(output, \d+\) but 1 output name'):
        export_onnx(TensorForward(model), (64, 48), str(tmp_path / 'model.onnx'),
                    simplify=False)
