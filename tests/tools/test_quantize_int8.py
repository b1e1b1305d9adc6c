"""tools/deploy/quantize_int8.py: an int8 graph of a pose model, and what int8 costs it."""
import pytest
import re
import sys

import onnx
import torch

from pose.apis import init_model

from .conftest import run

pytestmark = pytest.mark.slow

CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'


def test_quantizes_and_reports_the_accuracy_cost(tmp_path):
    checkpoint, out = tmp_path / 'model.pth', tmp_path / 'int8.onnx'
    torch.save({'state_dict': init_model(CONFIG).state_dict()}, checkpoint)
    result = run([sys.executable, 'tools/deploy/quantize_int8.py', CONFIG, checkpoint,
                  '--out', out, '--calibration', '4', '--threads', '1'])
    assert result.returncode == 0, result.stdout[-3000:]
    assert 'calibrated on 4 crops' in result.stdout
    ops = {node.op_type for node in onnx.load(str(out)).graph.node}
    assert {'QuantizeLinear', 'DequantizeLinear'} <= ops
    for name in ('float32', 'int8'):
        assert re.search(rf"^{name}: {{'coco/AP': [0-9.]+}}; batch-1 call [0-9.]+ ms",
                         result.stdout, re.M), result.stdout[-2000:]
