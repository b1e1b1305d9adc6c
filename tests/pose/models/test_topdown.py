import glob

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData

import pose  # noqa: F401
from pose.registry import MODELS
from pose.structures import PoseDataSample

CONFIGS = sorted(p for p in glob.glob('configs/pose/**/*.py', recursive=True) if '_base_' not in p)


def build(config='configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py', **cfg_options):
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(cfg_options)
    init_default_scope('pose')
    return MODELS.build(cfg.model), cfg


def test_every_published_config_has_a_row():
    # 10 pose configs and the two multi-task (keypoints + masks) ones
    assert len([p for p in CONFIGS if '/demo/' not in p]) == 12
    # COCO and MPII samples, and the multi-task COCO sample
    assert len([p for p in CONFIGS if '/demo/' in p]) == 3


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds_and_runs_forward(config):
    model, cfg = build(config)
    model.eval()
    width, height = cfg.codec['input_size']
    with torch.no_grad():
        outputs = model(torch.zeros(1, 3, height, width), mode='tensor')
    w, h = cfg.codec['heatmap_size']
    heatmaps = outputs[0] if model.with_mask else outputs
    assert heatmaps.shape == (1, cfg.model.head.out_channels, h, w)
    assert model.with_mask == ('_mask_' in config)
    if model.with_mask:
        assert outputs[1].shape == (1, 1, h, w)


def _sample(flip_indices, keypoints=None, size=(192, 256)):
    sample = PoseDataSample(metainfo=dict(
        flip_indices=flip_indices, input_size=size, input_center=np.array([96., 128.]),
        input_scale=np.array([192., 256.])))
    sample.gt_instances = InstanceData(bboxes=np.array([[0, 0, 192, 256]], np.float32),
                                       bbox_scores=np.ones(1, np.float32))
    if keypoints is not None:
        sample.gt_fields = PixelData(heatmaps=torch.as_tensor(keypoints['heatmaps']))
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.as_tensor(keypoints['keypoint_weights']))
    return sample


def test_flip_test_on_a_symmetric_input_gives_symmetric_keypoints():
    torch.manual_seed(0)  # the weights and image below are random: not the other tests' state
    model, cfg = build()
    model.init_weights()
    for m in model.modules():  # weights far from init so that heatmaps are not flat
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.normal_(m.weight, std=0.2)
    model.eval()
    half = torch.rand(1, 3, 256, 96)
    image = torch.cat([half, half.flip(-1)], dim=-1) * 255  # mirror-symmetric about x = 96
    flip_indices = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]
    sample = _sample(flip_indices)
    model.test_cfg['shift_heatmap'] = False  # the 1-pixel shift breaks exact symmetry
    with torch.no_grad():
        pred = model.predict(image, [sample])[0].pred_instances
    kpts, scores = pred.keypoints[0], pred.keypoint_scores[0]
    mirrored = kpts[flip_indices].copy()
    # Heatmap pixel i decodes to 4 * i, so the mirror axis of heatmap columns 0..47 is at
    # 47 * 4 / 2 = 94 in input pixels (the MSRA codec's half-pixel bias that UDP removes).
    mirrored[:, 0] = 188 - mirrored[:, 0]
    # The averaged heatmap of a left keypoint is exactly the mirror of its right partner's, so
    # their maxima mirror each other. The nose is its own partner: its symmetric heatmap may have
    # two mirrored maxima, either of which is right. Heatmaps whose maximum is <= 0 decode to
    # (-1, -1) and are skipped.
    paired = np.array(flip_indices) != np.arange(17)
    valid = paired & (scores > 0) & (scores[flip_indices] > 0)
    # The original's quarter-pixel refinement moves a peak only when 1 < column < W - 1, which
    # is not mirror-symmetric: column 1 stays, its mirror W - 2 moves. Pairs there differ.
    column = np.rint(kpts[:, 0] / 4)
    asymmetric = np.isin(column, (1, 46)) | np.isin(column[flip_indices], (1, 46))
    valid &= ~asymmetric
    assert valid.sum() >= 10
    np.testing.assert_allclose(kpts[valid], mirrored[valid], atol=1e-3)


@pytest.mark.slow
def test_training_iteration_lowers_the_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    model, cfg = build()
    model.init_weights()
    rng = np.random.default_rng(0)
    samples = []
    for _ in range(2):
        kpts = rng.uniform([20, 20], [172, 236], size=(1, 17, 2)).astype(np.float32)
        samples.append(_sample(list(range(17)), model.head.decoder.encode(kpts)))
    inputs = torch.rand(2, 3, 256, 192) * 255
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    model.train()
    losses = []
    # Adam's first steps from the original init are noisy; a dozen settle the trend.
    for _ in range(12):
        loss = model(inputs, samples, mode='loss')['loss_kpt']
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]
