"""The multi-task estimator: a mask head beside the heatmap head on one backbone pass."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData

import pose  # noqa: F401
from pose.models import MaskHead
from pose.registry import MODELS
from pose.structures import PoseDataSample

CONFIG = 'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py'
FLIP_INDICES = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def _model():
    init_default_scope('pose')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(CONFIG).model)
    model.init_weights()
    return model


def _sample(image_shape=(300, 400), with_target=False):
    sample = PoseDataSample(metainfo=dict(
        flip_indices=FLIP_INDICES, input_size=(192, 256), input_center=np.array([200., 150.]),
        input_scale=np.array([150., 200.]), ori_shape=image_shape))
    sample.gt_instances = InstanceData(bboxes=np.array([[125, 50, 275, 250]], np.float32),
                                       bbox_scores=np.ones(1, np.float32))
    if with_target:
        target = torch.zeros(1, 64, 48)
        target[:, 16:48, 12:36] = 1
        sample.gt_fields = PixelData(heatmaps=torch.zeros(17, 64, 48), mask_target=target,
                                     mask_weights=torch.ones(1, 64, 48))
        sample.gt_instance_labels = InstanceData(keypoint_weights=torch.ones(1, 17))
    return sample


@pytest.mark.parametrize('num_convs,channels', [(0, 32), (1, 32), (2, 16)])
def test_head_depth_is_a_choice(num_convs, channels):
    head = MaskHead(in_channels=40, channels=channels, num_convs=num_convs)
    logits = head((torch.rand(2, 40, 64, 48), ))
    assert logits.shape == (2, 1, 64, 48)
    convs = [m for m in head.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 2 * num_convs + 1


def test_default_head_costs_a_few_percent_of_the_backbone():
    head = MaskHead(in_channels=40)
    macs_per_pixel = sum(m.weight.numel() for m in head.modules()
                         if isinstance(m, torch.nn.Conv2d))
    assert macs_per_pixel == 9 * 40 + 40 * 32 + 32


def test_tensor_mode_gives_heatmaps_and_mask_logits_and_loss_mode_all_losses():
    model = _model()
    inputs = torch.rand(2, 3, 256, 192) * 255
    model.eval()
    with torch.no_grad():
        heatmaps, mask_logits = model(inputs, mode='tensor')
    assert heatmaps.shape == (2, 17, 64, 48) and mask_logits.shape == (2, 1, 64, 48)
    model.train()
    losses = model(inputs, [_sample(with_target=True) for _ in range(2)], mode='loss')
    assert set(losses) == {'loss_kpt', 'loss_mask_bce', 'loss_mask_dice'}
    sum(losses.values()).backward()
    # one backbone pass feeds both heads: the mask losses reach the backbone
    assert model.mask_head.final_layer.weight.grad.abs().sum() > 0
    assert model.backbone.stem.conv1.conv.weight.grad.abs().sum() > 0


def test_predict_pastes_the_flip_tested_mask_into_the_image():
    model = _model()
    for module in model.mask_head.modules():  # a mask that is 1 on the crop's left half only
        if isinstance(module, torch.nn.Conv2d):
            torch.nn.init.zeros_(module.weight)
    model.mask_head.final_layer.bias.data.fill_(-10.)
    model.eval()

    def left_half(feats):
        logits = torch.full((feats[-1].shape[0], 1, 64, 48), -10.)
        logits[..., :24] = 10.
        return logits
    model.mask_head.forward = left_half
    model.test_cfg.update(output_heatmaps=True, shift_heatmap=False)
    with torch.no_grad():
        sample = model.predict(torch.rand(1, 3, 256, 192) * 255, [_sample()])[0]
    masks = sample.pred_instances.masks
    assert masks.shape == (1, 300, 400) and masks.dtype == bool
    # flip test: the mirrored prediction (right half) averages to 0.5 everywhere, which is
    # not above the threshold: nothing is pasted
    assert not masks.any()
    np.testing.assert_allclose(sample.pred_fields.mask.numpy(), 0.5, atol=1e-4)
    model.test_cfg['flip_test'] = False
    with torch.no_grad():
        masks = model.predict(torch.rand(1, 3, 256, 192) * 255,
                              [_sample()])[0].pred_instances.masks[0]
    # the crop is x in [125, 275): its left half is [125, 200) (codec grid, +-2 pixels)
    columns = np.flatnonzero(masks.any(axis=0))
    assert abs(columns.min() - 125) <= 2 and abs(columns.max() - 199) <= 2
    rows = np.flatnonzero(masks.any(axis=1))
    assert abs(rows.min() - 50) <= 2 and abs(rows.max() - 249) <= 2


def test_a_runtime_without_the_mask_output_is_refused():
    model = _model().eval()
    model.runtime = lambda inputs: torch.zeros(inputs.shape[0], 17, 64, 48)
    with pytest.raises(ValueError, match='export .* again with its mask output'):
        model.predict(torch.rand(1, 3, 256, 192), [_sample()])
