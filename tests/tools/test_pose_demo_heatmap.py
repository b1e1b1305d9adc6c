"""pose_demo.py --draw-heatmap: each person's summed heatmaps, put back where their crop came
from, drawn beside the skeletons."""
import dataclasses
import importlib.util
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

import pose.apis.inferencer
from pose.apis import PoseInferencer, init_model

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py')
IMAGE = ROOT / 'data/samples/coco/000000000785.jpg'
spec = importlib.util.spec_from_file_location('pose_demo', ROOT / 'tools/demo/pose_demo.py')
pose_demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pose_demo)

# One Gaussian (sigma 2, height 0.9) for the nose at the middle column of the 48 x 64 heatmap
# (symmetric, so the flip test keeps it); every other keypoint's heatmap is zero.
PEAK = (24, 20)

pytestmark = pytest.mark.usefixtures('one_thread')


def nose_heatmap(count: int) -> torch.Tensor:
    ys, xs = torch.meshgrid(torch.arange(64), torch.arange(48), indexing='ij')
    maps = torch.zeros(count, 17, 64, 48)
    maps[:, 0] = 0.9 * torch.exp(-((xs - PEAK[0])**2 + (ys - PEAK[1])**2) / 8.)
    return maps


@pytest.fixture
def known_heatmaps(monkeypatch):
    def init_with_known_heatmaps(*args, **kwargs):
        model = init_model(*args, **kwargs)
        model.head.forward = lambda feats: nose_heatmap(len(feats[-1]))
        return model

    monkeypatch.setattr(pose.apis.inferencer, 'init_model', init_with_known_heatmaps)


def test_the_heatmap_peaks_at_the_decoded_keypoint(known_heatmaps):
    image = cv2.imread(str(IMAGE))
    height, width = image.shape[:2]
    # Two people: boxes of different sizes, so that each crop's own affine is used.
    boxes = np.array([[100, 50, 300, 400], [400, 100, 520, 300]], np.float32)
    inferencer = PoseInferencer(CONFIG, heatmaps=True)

    result = next(inferencer(str(IMAGE), {IMAGE.name: boxes}, draw=True))

    assert len(result) == 2 and result.heatmap.shape == (height, width)
    for (x, y), box in zip(result.keypoints[:, 0], boxes):
        x1, y1, x2, y2 = np.round(box).astype(int)
        inside = result.heatmap[y1:y2, x1:x2]
        peak_y, peak_x = np.unravel_index(inside.argmax(), inside.shape)
        assert abs(peak_x + x1 - x) <= 2 and abs(peak_y + y1 - y) <= 2
        assert inside.max() > 0.8
    picture = result.visualization
    assert picture.shape == (height, 2 * width + 4, 3)
    right = picture[:, width + 4:].astype(int)
    x, y = np.round(result.keypoints[0, 0]).astype(int)
    assert np.abs(right[y, x] - image[y, x] // 2).max() > 30  # coloured at the peak
    assert np.abs(right[5, 5] - image[5, 5] // 2).max() <= 1  # darkened, no heat
    # The left panel is the skeleton picture, unchanged by the heatmap.
    plain = inferencer.draw(image, dataclasses.replace(result, heatmap=None))
    assert np.array_equal(picture[:, :width], plain)


def test_cli_draws_the_heatmap_beside_the_skeleton(known_heatmaps, monkeypatch, tmp_path):
    out = tmp_path / 'out'
    monkeypatch.setattr(sys, 'argv', ['pose_demo.py', CONFIG, str(tmp_path / 'none.pth'),
                                      '--input', str(IMAGE), '--out-dir', str(out),
                                      '--draw-heatmap', '--backend', 'pytorch'])
    model = init_model(CONFIG)
    torch.save(dict(state_dict=model.state_dict()), tmp_path / 'none.pth')

    pose_demo.main()

    picture = cv2.imread(str(out / IMAGE.name))
    image = cv2.imread(str(IMAGE))
    assert picture.shape == (image.shape[0], 2 * image.shape[1] + 4, 3)
