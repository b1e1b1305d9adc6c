"""The One-Euro filter: strong smoothing at rest, little lag in motion."""
import numpy as np

from pose.apis import KeypointSmoother, OneEuroFilter

FPS = 30.0


def run(signal: np.ndarray, **params) -> np.ndarray:
    one_euro = OneEuroFilter(**params)
    return np.array([one_euro(x, i / FPS) for i, x in enumerate(signal)])


def test_jitter_at_rest_is_removed():
    noise = np.random.default_rng(0).normal(0, 2.0, size=(300, 17, 2))
    smoothed = run(100 + noise)
    assert smoothed[30:].std() < noise[30:].std() / 2
    np.testing.assert_allclose(smoothed[30:].mean(), 100, atol=0.5)


def test_fast_motion_lags_less_with_beta():
    ramp = np.arange(60, dtype=np.float64)[:, None] * 10  # 300 px/s
    lag_still = ramp[-1] - run(ramp, beta=0.0)[-1]
    lag_moving = ramp[-1] - run(ramp, beta=0.05)[-1]
    assert 0 < lag_moving[0] < lag_still[0] / 3


def test_first_value_passes_unchanged_and_time_restarts():
    one_euro = OneEuroFilter()
    x = np.array([[1.0, 2.0]])
    np.testing.assert_array_equal(one_euro(x, 0.0), x)
    one_euro(x + 10, 1 / FPS)
    np.testing.assert_array_equal(one_euro(x, 0.0), x)  # an earlier time: a new signal


def test_one_filter_per_person():
    smoother = KeypointSmoother(beta=0.0)
    a, b = np.zeros((1, 3, 2)), np.full((1, 3, 2), 50.0)
    smoother(np.concatenate([a, b]), np.array([0, 1]), 0.0)
    out = smoother(np.concatenate([b, a + 10]), np.array([1, 0]), 1 / FPS)
    np.testing.assert_array_equal(out[0], b[0])  # person 1 did not move
    assert (0 < out[1]).all() and (out[1] < 10).all()  # person 0 moved: smoothed
    new = smoother(a + 10, np.array([7]), 2 / FPS)  # a newcomer: as is
    np.testing.assert_array_equal(new, a + 10)
    assert smoother(np.zeros((0, 3, 2)), np.zeros(0, int), 3 / FPS).shape == (0, 3, 2)
