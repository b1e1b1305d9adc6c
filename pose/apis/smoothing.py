"""Temporal smoothing of keypoints in videos: the One-Euro filter.

Casiez, Roussel and Vogel, "1 Euro Filter: A Simple Speed-based Low-pass Filter for Noisy Input
in Interactive Systems", CHI 2012 (https://gery.casiez.net/1euro/). A first-order low-pass
filter whose cutoff frequency rises with the signal's speed: a still keypoint is smoothed
strongly (its jitter removed), a moving one lightly (little lag).
"""
import math
from typing import Dict, Optional

import numpy as np


def _alpha(cutoff: np.ndarray, dt: float) -> np.ndarray:
    """Smoothing factor of an exponential low-pass filter at ``cutoff`` Hz, step ``dt`` s."""
    tau = 1.0 / (2 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """The One-Euro filter of an array signal, element by element.

    Args:
        min_cutoff: the cutoff (Hz) at rest: lower smooths still keypoints more.
        beta: how fast the cutoff rises with speed (per unit/s: for pixels, per px/s);
            higher follows fast motion with less lag.
        d_cutoff: cutoff (Hz) of the low-pass filter on the speed itself (the paper's 1 Hz).
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.05,
                 d_cutoff: float = 1.0) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._x: Optional[np.ndarray] = None
        self._dx: Optional[np.ndarray] = None
        self._t = 0.0

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """The filtered value of the signal ``x`` (any shape, fixed) at time ``t`` seconds."""
        x = np.asarray(x, np.float64)
        if self._x is None or t <= self._t:
            self._x, self._dx, self._t = x, np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        dx = _alpha(np.asarray(self.d_cutoff), dt) * ((x - self._x) / dt - self._dx) + self._dx
        cutoff = self.min_cutoff + self.beta * np.abs(dx)
        self._x = self._x + _alpha(cutoff, dt) * (x - self._x)
        self._dx, self._t = dx, t
        return self._x.copy()


class KeypointSmoother:
    """One :class:`OneEuroFilter` per tracked person over (K, 2) keypoints.

    A person seen for the first time starts a filter (their first keypoints pass unchanged); a
    person missing from a frame loses theirs.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.05,
                 d_cutoff: float = 1.0) -> None:
        self.params = dict(min_cutoff=min_cutoff, beta=beta, d_cutoff=d_cutoff)
        self._filters: Dict[int, OneEuroFilter] = {}

    def __call__(self, keypoints: np.ndarray, track_ids: np.ndarray, t: float) -> np.ndarray:
        """(N, K, 2) keypoints of the people ``track_ids`` (N,) at time ``t`` s, smoothed."""
        self._filters = {int(i): self._filters.get(int(i)) or OneEuroFilter(**self.params)
                         for i in track_ids}
        smoothed = [self._filters[int(i)](kpts, t) for kpts, i in zip(keypoints, track_ids)]
        return np.stack(smoothed).astype(np.float32) if smoothed else keypoints.copy()
