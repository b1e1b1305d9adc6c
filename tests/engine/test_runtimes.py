"""The runtime layer: each runtime gets the graph form GRAPH_FORMS names, and a batch split
over concurrent streams comes back whole and in order."""
import gc
import os

import numpy as np
import pytest
import torch

from engine import (GRAPH_FORMS, RuntimeForward, TensorForward, apply_backend, build_model,
                    export_for_runtime, resolve_backend, runtime_session)
from engine.runtimes import fastest_backend

pytestmark = pytest.mark.slow

CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'


@pytest.fixture(scope='module')
def model():
    model = build_model(CONFIG)
    torch.manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(std=0.05)
    return model


@pytest.mark.parametrize('runtime', ['onnxruntime', 'openvino'])
def test_streams_return_the_whole_batch_in_order(tmp_path, model, runtime):
    path = str(tmp_path / 'model.onnx')
    export_for_runtime(model, runtime, (64, 48), path)
    x = np.random.default_rng(0).standard_normal((5, 3, 64, 48)).astype(np.float32)
    one = runtime_session(path, runtime, threads=1)(x)
    for streams in (2, 3, 8):
        split = runtime_session(path, runtime, threads=2, streams=streams)
        np.testing.assert_allclose(split(x), one, atol=1e-5)
        np.testing.assert_allclose(split(x[:1]), one[:1], atol=1e-5)


def test_each_runtime_gets_its_graph_form(tmp_path, model):
    """OpenVINO's export is the shuffle-free form (no channel split left), onnxruntime's the
    split form; both compute the model's heatmaps."""
    import onnx
    ops = {}
    for runtime in ('onnxruntime', 'openvino'):
        path = str(tmp_path / f'{runtime}.onnx')
        export_for_runtime(model, runtime, (64, 48), path)
        ops[runtime] = {node.op_type for node in onnx.load(path).graph.node}
    assert GRAPH_FORMS['openvino'].shuffle_free and not GRAPH_FORMS['onnxruntime'].shuffle_free
    assert 'Reshape' in ops['onnxruntime'] and 'Reshape' not in ops['openvino']
    x = torch.randn(3, 3, 64, 48)
    with torch.no_grad():
        expected = TensorForward(model)(x)
    forward = RuntimeForward(model, 'openvino', threads=1, streams=2)
    torch.testing.assert_close(forward(x), expected, atol=1e-4, rtol=1e-4)


def test_its_own_temporary_folder_goes_with_it_a_given_one_stays(tmp_path, model):
    own = RuntimeForward(model, 'onnxruntime', threads=1, streams=1)
    given = RuntimeForward(model, 'onnxruntime', threads=1, streams=1, workdir=str(tmp_path))
    x = torch.randn(1, 3, 64, 48)
    torch.testing.assert_close(own(x), given(x))
    own_dir = own.workdir
    assert os.listdir(own_dir) == ['model_64x48.onnx']
    del own, given
    gc.collect()
    assert not os.path.exists(own_dir)
    assert os.listdir(tmp_path) == ['model_64x48.onnx']


def test_a_runtime_needs_a_model_that_takes_one():
    with pytest.raises(ValueError, match='takes no runtime'):
        apply_backend(torch.nn.Linear(2, 2), 'onnxruntime')
    with pytest.raises(ValueError, match="unknown backend 'tensorrt'"):
        apply_backend(torch.nn.Linear(2, 2), 'tensorrt')


def test_auto_is_the_fastest_runtime_on_a_cpu_and_pytorch_on_cuda():
    assert resolve_backend('auto', 'cpu') == fastest_backend() == 'openvino'  # make install
    assert resolve_backend('auto', 'cuda:0') == 'pytorch'
    assert resolve_backend('deploy', 'cuda') == 'deploy'  # asked for: kept
    with pytest.raises(ValueError, match='unknown backend'):
        resolve_backend('tensorrt')
