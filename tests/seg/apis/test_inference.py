"""seg.apis.init_model: weights-only loading, dataset meta, and the deploy-mode fast path."""
import pytest
from pathlib import Path

import torch
from mmengine.model import revert_sync_batchnorm
from mmseg.apis import inference_model

from seg.apis import init_model

ROOT = Path(__file__).resolve().parents[3]
CONFIG = str(ROOT / 'configs/seg/demo/fcn_litehrnet-18_cityscapes-sample.py')
IMAGE = str(ROOT / 'data/samples/cityscapes/leftImg8bit/val/frankfurt/'
            'frankfurt_000000_000294_leftImg8bit.png')


def _checkpoint(tmp_path: Path) -> str:
    model = init_model(CONFIG)
    torch.manual_seed(0)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.uniform_(m.weight, 0.3, 0.8)
            m.running_var.uniform_(0.5, 1.5)
    path = tmp_path / 'model.pth'
    torch.save({'state_dict': revert_sync_batchnorm(model).state_dict()}, path)
    return str(path)


def test_deployed_segmentor_matches_the_trained_one(tmp_path):
    checkpoint = _checkpoint(tmp_path)
    eager = init_model(CONFIG, checkpoint)
    deployed = init_model(CONFIG, checkpoint, backend='deploy')
    assert eager.dataset_meta['classes'][0] == 'road'
    assert all(m.deploy for m in deployed.modules() if type(m).__name__ == 'SpatialWeighting')
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in deployed.modules())
    x = torch.randn(1, 3, 128, 256)
    with torch.no_grad():
        torch.testing.assert_close(deployed(x, mode='tensor'), eager(x, mode='tensor'),
                                   rtol=0, atol=1e-4)
    result = inference_model(deployed, IMAGE)
    assert result.pred_sem_seg.data.shape == (1, 128, 256)


@pytest.mark.slow
def test_onnxruntime_segmentor_segments_as_pytorch(tmp_path):
    checkpoint = _checkpoint(tmp_path)
    eager = init_model(CONFIG, checkpoint)
    exported = init_model(CONFIG, checkpoint, backend='onnxruntime', threads=1)
    expected = inference_model(eager, IMAGE)
    got = inference_model(exported, IMAGE)
    torch.testing.assert_close(got.seg_logits.data, expected.seg_logits.data, rtol=0, atol=1e-4)
