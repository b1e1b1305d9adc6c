"""Keeps the official Cityscapes evaluation running on numpy >= 2.4.

``cityscapesscripts`` 2.3.0 (the latest release) computes its instance-level scores with
``np.in1d``, which numpy 2.4 removed. Rather than change numpy for the whole process, only the
evaluation module's ``np`` is replaced, by a view of numpy that adds ``in1d`` back; mmseg's
``CityscapesMetric`` and our ``CityscapesOfficialMetric`` both call into that module.
"""
import types

import numpy as np

try:
    import cityscapesscripts.evaluation.evalPixelLevelSemanticLabeling as CSEval
except ImportError:  # mmseg's CityscapesMetric raises the install hint when it is built
    CSEval = None


def in1d(ar1, ar2, assume_unique: bool = False, invert: bool = False) -> np.ndarray:
    """numpy's removed ``in1d``: ``isin`` flattened to 1-D."""
    return np.isin(ar1, ar2, assume_unique=assume_unique, invert=invert).ravel()


class _NumpyWithIn1d(types.ModuleType):
    """numpy, with ``in1d`` where numpy no longer has it."""

    in1d = staticmethod(in1d)

    def __getattr__(self, name: str):
        return getattr(np, name)


def patch_cityscapesscripts() -> None:
    """Give the pixel-level evaluation module an ``np`` with ``in1d`` (idempotent)."""
    if CSEval is not None and not hasattr(CSEval.np, 'in1d'):
        CSEval.np = _NumpyWithIn1d('numpy')
