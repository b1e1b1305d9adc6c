"""The runtime layer: each runtime gets the graph form GRAPH_FORMS names, a batch split over
concurrent streams comes back whole and in order, and a multi-task model's two outputs (heatmaps
and mask logits) come back as the tuple its tensor forward gives, in every runtime and through
``pose.apis.init_model(backend=...)``."""
import gc
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from engine import (GRAPH_FORMS, RuntimeForward, TensorForward, apply_backend, build_model,
                    export_for_runtime, resolve_backend, runtime_session)
from engine.runtimes import fastest_backend
from pose.apis import inference_topdown, init_model

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
MASK_CONFIG = 'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py'
IMAGE = 'data/samples/coco/000000000785.jpg'


@pytest.fixture(scope='module')
def model():
    model = build_model(CONFIG)
    torch.manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(std=0.05)
    return model


@pytest.fixture(scope='module')
def mask_model(randomised_norms):
    """The multi-task model with non-trivial norm statistics, its mask read-out rescaled so that
    on a crop of IMAGE the logits spread over several units, half of them above 0 (probability
    0.5, the threshold); untrained, they sit within 0.2 of 0, where rounding could flip pixels
    and an all-background mask would pass any comparison."""
    model = build_model(MASK_CONFIG)
    torch.manual_seed(0)
    randomised_norms(model)
    with torch.no_grad():
        crop = cv2.resize(cv2.imread(IMAGE)[20:300, 10:200], (192, 256))
        x = model.data_preprocessor(dict(inputs=[torch.from_numpy(crop).permute(2, 0, 1)]))
        logits = model(x['inputs'], mode='tensor')[1]
        scale = 3 / logits.std()
        read_out = model.mask_head.final_layer
        read_out.weight *= scale
        read_out.bias.copy_((read_out.bias - logits.median()) * scale)
    return model


@pytest.mark.parametrize('runtime', ['onnxruntime', 'openvino'])
def test_streams_return_the_whole_batch_in_order(tmp_path, model, runtime):
    path = str(tmp_path / 'model.onnx')
    export_for_runtime(model, runtime, (64, 48), path)
    x = np.random.default_rng(0).standard_normal((5, 3, 64, 48)).astype(np.float32)
    one = runtime_session(path, runtime, threads=1)(x)
    assert isinstance(one, np.ndarray) and one.shape == (5, 17, 16, 12)  # one output: an array
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


@pytest.mark.parametrize('runtime', ['onnxruntime', 'openvino'])
def test_a_mask_model_gives_both_outputs_in_every_session(tmp_path, mask_model, runtime):
    """Heatmaps and mask logits, in that order, equal to PyTorch at batches 1 and 5, as one
    request and split over streams (split_over / OpenVINO's asynchronous requests)."""
    path = str(tmp_path / 'model.onnx')
    export_for_runtime(mask_model, runtime, (64, 48), path)
    x = torch.randn(5, 3, 64, 48, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        heatmaps, mask_logits = TensorForward(mask_model)(x)
    assert mask_logits.abs().max() > 1  # logits of a trained scale, not all near 0
    for streams in (1, 3):
        run = runtime_session(path, runtime, threads=1, streams=streams)
        for batch in (1, 5):
            got = run(x[:batch].numpy())
            assert isinstance(got, tuple) and len(got) == 2
            np.testing.assert_allclose(got[0], heatmaps[:batch].numpy(), rtol=0, atol=1e-4)
            np.testing.assert_allclose(got[1], mask_logits[:batch].numpy(), rtol=0, atol=1e-4)


def _mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


@pytest.mark.parametrize('backend', ['onnxruntime', 'openvino'])
def test_a_mask_model_predicts_through_a_runtime_as_in_pytorch(tmp_path, mask_model, backend):
    """init_model(backend=...) runs both outputs in the runtime (RuntimeForward as the model's
    ``runtime``): the same keypoints and silhouettes, through the flip test and pasting."""
    checkpoint = tmp_path / 'model.pth'
    torch.save({'state_dict': mask_model.state_dict()}, checkpoint)
    eager = init_model(MASK_CONFIG, str(checkpoint))
    exported = init_model(MASK_CONFIG, str(checkpoint), backend=backend, threads=1, streams=2)
    assert isinstance(exported.runtime, RuntimeForward)
    boxes = np.array([[10, 20, 200, 300], [150, 40, 400, 420]], dtype=np.float32)
    got = inference_topdown(exported, IMAGE, boxes)
    expected = inference_topdown(eager, IMAGE, boxes)
    for ours, theirs in zip(got, expected):
        ours, theirs = ours.pred_instances, theirs.pred_instances
        np.testing.assert_allclose(ours.keypoint_scores, theirs.keypoint_scores, atol=1e-4)
        confident = theirs.keypoint_scores[0] > 0.01
        np.testing.assert_allclose(ours.keypoints[0][confident], theirs.keypoints[0][confident],
                                   atol=1e-3)
        assert ours.masks.shape == theirs.masks.shape == (1, 425, 640)
        assert 0.05 < theirs.masks.mean() < 0.4  # a silhouette, neither empty nor the crop
        assert _mask_iou(ours.masks, theirs.masks) > 0.99


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


SIGNALS_AFTER_SESSIONS = '''
import gc, os, signal, sys
import numpy as np
from engine.runtimes import runtime_session

first = runtime_session(sys.argv[1], 'openvino')
second = runtime_session(sys.argv[2], 'openvino')
x = np.ones((1, 3, 8, 8), np.float32)
assert (first(x) == 1).all() and (second(x) == 1).all()
del first  # the sessions go in the order they came
gc.collect()
del second
gc.collect()
signal.signal(signal.SIGUSR1, lambda *args: None)  # Python handlers run on the signal stack
for _ in range(20):
    os.kill(os.getpid(), signal.SIGUSR1)
print('handled')
'''


def test_signals_are_handled_after_openvino_sessions_go_in_any_order(tmp_path):
    """OpenVINO sessions share one Core (engine.runtimes.openvino_core): with a Core each, the
    CPU plugin of the first left the thread on its unmapped signal stack once both had gone,
    and the process died with SIGSEGV at the next Python signal handler (in the full test
    suite: SIGCHLD after a tool's subprocess)."""
    import onnx
    from onnx import TensorProto, helper
    paths = []
    for name in ('first', 'second'):
        value = helper.make_tensor_value_info
        graph = helper.make_graph([helper.make_node('Relu', ['x'], ['y'])], name,
                                  [value('x', TensorProto.FLOAT, [1, 3, 8, 8])],
                                  [value('y', TensorProto.FLOAT, [1, 3, 8, 8])])
        paths.append(tmp_path / f'{name}.onnx')
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)]),
                  str(paths[-1]))
    result = subprocess.run([sys.executable, '-c', SIGNALS_AFTER_SESSIONS, *map(str, paths)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == 'handled', result.stderr[-2000:]
