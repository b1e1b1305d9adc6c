"""pose.benchmark: the synthetic training batch of a multi-task model, and the models the
multi-task comparison times (pose alone, the 2-class person segmentor)."""
import pytest
import torch

from engine import TensorForward, build_model
from pose.benchmark import PERSON_SEGMENTOR, person_segmentor, pose_alone, synthetic_batch

MASK_CONFIG = 'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py'
POSE_CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'


@pytest.fixture(scope='module')
def mask_model():
    return build_model(MASK_CONFIG)


def test_a_mask_model_trains_on_the_synthetic_batch(mask_model):
    inputs, samples = synthetic_batch(mask_model, 2, (64, 48), 'cpu')
    target = samples[0].gt_fields.mask_target
    assert target.shape == samples[0].gt_fields.mask_weights.shape == (1, 16, 12)
    assert set(target.unique().tolist()) == {0.0, 1.0}
    losses = mask_model.train()(inputs, samples, mode='loss')
    mask_model.eval()
    assert {'loss_mask_bce', 'loss_mask_dice'} <= set(losses)
    assert all(torch.isfinite(loss) for loss in losses.values())


def test_pose_alone_is_the_joint_model_without_its_mask(mask_model):
    alone = pose_alone(mask_model)
    assert not alone.with_mask and mask_model.with_mask  # a copy: the model keeps its head
    x = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        heatmaps, _ = TensorForward(mask_model)(x)
        torch.testing.assert_close(TensorForward(alone)(x), heatmaps, rtol=0, atol=0)
    with pytest.raises(ValueError, match='has no mask head'):
        pose_alone(build_model(POSE_CONFIG))


def test_the_separate_segmentor_is_a_2_class_model_of_the_crops():
    segmentor = person_segmentor(PERSON_SEGMENTOR, (64, 48))
    assert segmentor.input_shape == (64, 48)
    with torch.no_grad():
        assert TensorForward(segmentor)(torch.randn(2, 3, 64, 48)).shape == (2, 2, 16, 12)
