"""tools/deploy/export_onnx.py: pose and segmentation models to ONNX with a dynamic batch axis,
checked in onnxruntime against PyTorch."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from litehrnet.deploy import ort_forward, ort_session
from engine import TensorForward, build_model

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location('export_onnx',
                                              ROOT / 'tools/deploy/export_onnx.py')
export_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export_tool)

CASES = [
    ('configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py', (64, 48), []),
    ('configs/seg/fcn_litehrnet-18_cityscapes-512x1024.py', (64, 128), []),
]


def _checkpoint(config: str, path: Path) -> None:
    """Weights at a realistic scale, with non-trivial norm statistics."""
    model = build_model(str(ROOT / config))
    torch.manual_seed(0)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.uniform_(m.weight, 0.3, 0.8)
            torch.nn.init.uniform_(m.bias, -0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    torch.save({'state_dict': model.state_dict()}, path)


@pytest.mark.parametrize('config,shape,options', CASES)
def test_dynamic_batch_export_matches_pytorch(tmp_path, monkeypatch, config, shape, options):
    checkpoint, out = tmp_path / 'model.pth', tmp_path / 'model.onnx'
    _checkpoint(config, checkpoint)
    monkeypatch.setattr(sys, 'argv', [
        'export_onnx.py', str(ROOT / config), str(checkpoint), '--out', str(out),
        '--dynamic-batch', '--shape', *map(str, shape), *options])
    assert export_tool.main() == 0

    graph = onnx.load(str(out)).graph
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == 'batch'
    model = build_model(str(ROOT / config), str(checkpoint))
    run = ort_forward(ort_session(str(out)))
    for batch in (1, 3):
        x = torch.randn(batch, 3, *shape)
        with torch.no_grad():
            expected = TensorForward(model)(x).numpy()
        got = run(x)
        assert got.shape == expected.shape
        assert np.abs(got - expected).max() <= 1e-4
