"""RandomScaleRotation: the published recipe's clipped-normal scale and rotation, sample for
sample (mmpose 0.x ``TopDownGetRandomScaleRotation(rot_factor=30, scale_factor=0.25)``)."""
import math

import numpy as np
import pytest
from mmengine.config import Config

from pose.registry import TRANSFORMS

CONFIG = 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py'
NUM_DRAWS = 100_000


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def normal_pdf(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def clipped_normal_std(c: float) -> float:
    """Standard deviation of clip(Z, -c, c), Z standard normal (its mean is 0)."""
    second_moment = (2 * normal_cdf(c) - 1) - 2 * c * normal_pdf(c) + 2 * c * c * (
        1 - normal_cdf(c))
    return math.sqrt(second_moment)


def published_transform_cfg() -> dict:
    """The scale/rotation transform of the published COCO config's training pipeline."""
    cfg = Config.fromfile(CONFIG)
    [transform] = [t for t in cfg.train_dataloader.dataset.pipeline
                   if t['type'] in ('RandomScaleRotation', 'RandomBBoxTransform')]
    return dict(transform)


@pytest.fixture(scope='module')
def draws():
    """Scale factors and rotations of 100k instances from the published config's transform."""
    np.random.seed(0)
    transform = TRANSFORMS.build(published_transform_cfg())
    scale = np.full((NUM_DRAWS, 2), 100., dtype=np.float32)
    results = transform(dict(bbox_center=np.zeros((NUM_DRAWS, 2), np.float32),
                             bbox_scale=scale.copy()))
    return results['bbox_scale'][:, 0].astype(np.float64) / 100., results[
        'bbox_rotation'].astype(np.float64)


def test_scale_factor_is_a_normal_clipped_at_one_sigma(draws):
    factor, _ = draws
    # s = clip(1 + 0.25 z, 0.75, 1.25): mean 1, std 0.25 * std(clip(z, -1, 1)) = 0.1796,
    # and P(z >= 1) = 15.87% of the crops on each bound
    assert factor.mean() == pytest.approx(1.0, abs=0.002)
    assert factor.std() == pytest.approx(0.25 * clipped_normal_std(1.0), abs=0.0015)
    assert factor.min() == pytest.approx(0.75) and factor.max() == pytest.approx(1.25)
    at_bound = 1 - normal_cdf(1.0)
    assert np.mean(np.isclose(factor, 0.75)) == pytest.approx(at_bound, abs=0.004)
    assert np.mean(np.isclose(factor, 1.25)) == pytest.approx(at_bound, abs=0.004)


def test_rotation_is_a_normal_clipped_at_two_sigma_with_probability_0_6(draws):
    _, rotation = draws
    rotated = rotation[rotation != 0]
    # applied when rand() <= 0.6; then r = clip(30 z, -60, 60): std 30 * 0.9594 = 28.78 deg
    assert len(rotated) / NUM_DRAWS == pytest.approx(0.6, abs=0.005)
    assert rotated.mean() == pytest.approx(0.0, abs=0.4)
    assert rotated.std() == pytest.approx(30 * clipped_normal_std(2.0), abs=0.3)
    assert np.abs(rotated).max() == pytest.approx(60.0)
    assert np.mean(np.isclose(np.abs(rotated), 60.)) == pytest.approx(2 * (1 - normal_cdf(2.0)),
                                                                      abs=0.003)
    # over all instances (40% unrotated)
    assert rotation.std() == pytest.approx(math.sqrt(0.6) * 30 * clipped_normal_std(2.0),
                                           abs=0.3)


def _original_scale_rotation(scale: np.ndarray, sf: float = 0.25, rf: float = 30.,
                             rot_prob: float = 0.6):
    """``TopDownGetRandomScaleRotation.__call__`` of mmpose 0.x, as written there."""
    s_factor = np.clip(np.random.randn() * sf + 1, 1 - sf, 1 + sf)
    r_factor = np.clip(np.random.randn() * rf, -rf * 2, rf * 2)
    r = r_factor if np.random.rand() <= rot_prob else 0
    return scale * s_factor, r


def test_one_instance_draws_as_the_original_does():
    transform = TRANSFORMS.build(published_transform_cfg())
    np.random.seed(3)
    ours = []
    for _ in range(500):
        results = transform(dict(bbox_center=np.zeros((1, 2), np.float32),
                                 bbox_scale=np.array([[120., 160.]], np.float32)))
        ours.append((results['bbox_scale'][0], results['bbox_rotation'][0]))
    np.random.seed(3)
    for scale, rotation in ours:
        expected_scale, expected_rotation = _original_scale_rotation(np.array([120., 160.]))
        np.testing.assert_allclose(scale, expected_scale, rtol=1e-6)
        assert rotation == pytest.approx(expected_rotation, abs=1e-4)


def test_recipe_defaults_and_repr():
    transform = TRANSFORMS.build(dict(type='RandomScaleRotation'))
    assert (transform.scale_sigma, transform.scale_limit, transform.rotate_sigma,
            transform.rotate_limit, transform.rotate_prob) == (0.25, 0.25, 30., 60., 0.6)
    assert 'rotate_limit=60.0' in repr(transform)


@pytest.mark.parametrize('kwargs', [dict(scale_limit=1.0), dict(rotate_prob=1.5),
                                    dict(scale_sigma=-0.1), dict(rotate_limit=-1)])
def test_invalid_arguments(kwargs):
    with pytest.raises(ValueError):
        TRANSFORMS.build(dict(type='RandomScaleRotation', **kwargs))
