import subprocess
import sys

import numpy as np
import pytest
import torch

from pose.apis import inference_topdown, init_model

CONFIG = 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py'
IMAGE = 'data/samples/coco/000000000785.jpg'


@pytest.fixture(scope='module')
def trained_state():
    model = init_model(CONFIG)
    torch.manual_seed(0)
    for p in model.parameters():
        torch.nn.init.normal_(p, std=0.05)
    return model.state_dict()


def _released(state, head_prefix):
    return {k.replace('head.', head_prefix, 1) if k.startswith('head.') else k: v
            for k, v in state.items()}


@pytest.mark.slow
@pytest.mark.parametrize('head_prefix', ['keypoint_head.', 'head.'])
def test_released_formats_load_strictly(tmp_path, trained_state, head_prefix):
    path = tmp_path / 'released.pth'
    torch.save({'state_dict': _released(trained_state, head_prefix), 'meta': {'epoch': 210}},
               path)
    model = init_model(CONFIG, str(path))
    for key, value in trained_state.items():
        assert torch.equal(model.state_dict()[key], value), key


def test_checkpoint_of_another_architecture_is_redeployed(tmp_path):
    other = init_model('configs/pose/lite_hrnet/coco/litehrnet_30_coco_256x192.py')
    path = tmp_path / 'litehrnet30.pth'
    torch.save({'state_dict': other.state_dict()}, path)
    with pytest.raises(RuntimeError, match=str(path)) as info:
        init_model(CONFIG, str(path))
    assert 'Unexpected key(s)' in str(info.value)


@pytest.mark.slow
def test_convert_checkpoint_tool(tmp_path, trained_state):
    src, dst = tmp_path / 'original.pth', tmp_path / 'ours.pth'
    torch.save({'state_dict': _released(trained_state, 'keypoint_head.')}, src)
    out = subprocess.run([sys.executable, 'tools/convert_checkpoint.py', str(src), str(dst)],
                         capture_output=True, text=True, check=True).stdout
    assert '2 keys renamed' in out
    converted = torch.load(dst, weights_only=True)['state_dict']
    assert set(converted) == set(trained_state)


def test_inference_on_the_whole_image_and_on_boxes(trained_state):
    model = init_model(CONFIG)
    model.load_state_dict(trained_state)
    whole = inference_topdown(model, IMAGE)
    assert len(whole) == 1
    keypoints = whole[0].pred_instances.keypoints
    assert keypoints.shape == (1, 17, 2)
    assert whole[0].pred_instances.keypoint_scores.shape == (1, 17)
    boxes = np.array([[10, 20, 200, 300], [50, 60, 150, 260]], dtype=np.float32)
    results = inference_topdown(model, IMAGE, boxes)
    assert len(results) == 2
    for result, (x1, y1, x2, y2) in zip(results, boxes):
        # keypoints whose heatmap maximum is <= 0 decode to a sentinel; check the others
        kpts = result.pred_instances.keypoints[0][result.pred_instances.keypoint_scores[0] > 0]
        assert len(kpts) > 0
        # the crop is the box padded by 1.25 and fixed to 3:4, so keypoints stay near the box
        w, h = (x2 - x1) * 1.25, (y2 - y1) * 1.25
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        assert np.all(np.abs(kpts[:, 0] - cx) <= max(w, h * 0.75) / 2 + 1)
        assert np.all(np.abs(kpts[:, 1] - cy) <= max(h, w / 0.75) / 2 + 1)


def test_deployed_model_predicts_as_the_trained_one(tmp_path, trained_state):
    path = tmp_path / 'model.pth'
    torch.save({'state_dict': trained_state}, path)
    eager = init_model(CONFIG, str(path))
    deployed = init_model(CONFIG, str(path), backend='deploy')
    assert all(m.deploy for m in deployed.modules() if type(m).__name__ == 'SpatialWeighting')
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in deployed.modules())
    x = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        torch.testing.assert_close(deployed(x, mode='tensor'), eager(x, mode='tensor'),
                                   rtol=0, atol=1e-4)
    result = inference_topdown(deployed, IMAGE)[0].pred_instances
    assert result.keypoints.shape == (1, 17, 2)


@pytest.mark.slow
@pytest.mark.parametrize('backend', ['onnxruntime', 'openvino'])
def test_runtime_backends_predict_as_pytorch(tmp_path, trained_state, backend):
    path = tmp_path / 'model.pth'
    torch.save({'state_dict': trained_state}, path)
    eager = init_model(CONFIG, str(path))
    exported = init_model(CONFIG, str(path), backend=backend, threads=1)
    x = torch.randn(2, 3, 256, 192)
    with torch.no_grad():
        torch.testing.assert_close(exported(x, mode='tensor'), eager(x, mode='tensor'),
                                   rtol=0, atol=1e-4)
    boxes = np.array([[10, 20, 200, 300]], dtype=np.float32)
    got = inference_topdown(exported, IMAGE, boxes)[0].pred_instances
    expected = inference_topdown(eager, IMAGE, boxes)[0].pred_instances
    np.testing.assert_allclose(got.keypoint_scores, expected.keypoint_scores, atol=1e-4)
    confident = expected.keypoint_scores[0] > 0.1
    np.testing.assert_allclose(got.keypoints[0][confident], expected.keypoints[0][confident],
                               atol=1e-3)


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown backend 'tensorrt'"):
        init_model(CONFIG, backend='tensorrt')
