"""tools/deploy/quantize_int8.py and engine.quantize_for_openvino: an int8 OpenVINO model of a
pose model (and of a multi-task one, both outputs), close to the float32 one, and the tool's
report of what int8 costs."""
import re
import sys

import numpy as np
import pytest
import torch

from engine import TensorForward, quantize_for_openvino, runtime_session
from pose.apis import init_model

from .conftest import run

pytestmark = pytest.mark.slow

CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
MASK_CONFIG = 'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py'


@pytest.mark.parametrize('config', [CONFIG, MASK_CONFIG])
def test_the_int8_outputs_stay_close_to_float(tmp_path, config):
    """Heatmaps (and a multi-task model's mask logits) within 10% of the largest float one."""
    model = init_model(config)
    torch.manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(std=0.05)
    rng = np.random.default_rng(0)
    crops = [rng.standard_normal((1, 3, 64, 48)).astype(np.float32) for _ in range(8)]
    out = tmp_path / 'int8.xml'
    assert quantize_for_openvino(model, (64, 48), crops, str(tmp_path / 'f32.onnx'),
                                 str(out)) == 8
    assert 'FakeQuantize' in out.read_text() and (tmp_path / 'int8.bin').is_file()
    x = rng.standard_normal((2, 3, 64, 48)).astype(np.float32)
    with torch.no_grad():
        expected = TensorForward(model)(torch.from_numpy(x))
    got = runtime_session(str(out), 'openvino', threads=1)(x)
    if config == MASK_CONFIG:
        assert isinstance(got, tuple) and len(got) == len(expected) == 2
    else:
        got, expected = (got, ), (expected, )
    for ours, theirs in zip(got, expected):
        assert ours.shape == theirs.shape
        assert np.abs(ours - theirs.numpy()).max() <= 0.1 * theirs.abs().max().item()


def test_the_tool_reports_the_accuracy_and_speed_of_both(tmp_path):
    checkpoint, out = tmp_path / 'model.pth', tmp_path / 'int8.xml'
    torch.save({'state_dict': init_model(CONFIG).state_dict()}, checkpoint)
    result = run([sys.executable, 'tools/deploy/quantize_int8.py', CONFIG, checkpoint,
                  '--out', out, '--calibration', '4', '--threads', '1'])
    assert result.returncode == 0, result.stdout[-3000:]
    assert 'calibrated on 4 crops' in result.stdout
    assert out.is_file() and out.with_suffix('.bin').is_file()
    for name in ('float32', 'int8'):
        assert re.search(rf"^{name}: {{'coco/AP': [0-9.]+}}; batch-1 call [0-9.]+ ms in "
                         'OpenVINO', result.stdout, re.M), result.stdout[-2000:]
    refused = run([sys.executable, 'tools/deploy/quantize_int8.py', CONFIG, checkpoint,
                   '--out', tmp_path / 'int8.onnx'])
    assert refused.returncode != 0 and '.xml' in refused.stdout


def test_the_tool_compares_the_silhouettes_of_a_mask_model(tmp_path):
    checkpoint, out = tmp_path / 'model.pth', tmp_path / 'int8.xml'
    torch.save({'state_dict': init_model(MASK_CONFIG).state_dict()}, checkpoint)
    result = run([sys.executable, 'tools/deploy/quantize_int8.py', MASK_CONFIG, checkpoint,
                  '--out', out, '--calibration', '4', '--threads', '1'])
    assert result.returncode == 0, result.stdout[-3000:]
    # the 14 people of the bundled sample's validation set
    assert re.search(r'^int8 vs float32 silhouettes of 14 people: IoU mean [0-9.]+, min [0-9.]+$',
                     result.stdout, re.M), result.stdout[-2000:]
    assert re.search(r"^int8: \{'coco/AP': [0-9.]+, 'coco/mask_AP': [0-9.]+\}; batch-1 call",
                     result.stdout, re.M), result.stdout[-2000:]
