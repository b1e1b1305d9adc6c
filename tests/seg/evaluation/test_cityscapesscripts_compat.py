"""The one dependency patch of the seg package: cityscapesscripts' pixel-level evaluation gets
numpy's removed ``in1d`` back. Fails when cityscapesscripts or numpy change under it."""
import inspect
from importlib.metadata import version

import cityscapesscripts.evaluation.evalPixelLevelSemanticLabeling as CSEval
import numpy as np

import seg  # noqa: F401  applies the patch
from seg.evaluation.cityscapesscripts_compat import in1d


def test_the_evaluation_still_calls_the_removed_function():
    assert version('cityscapesScripts') == '2.3.0'
    assert 'np.in1d(' in inspect.getsource(CSEval)
    assert not hasattr(np, 'in1d')  # else the patch is no longer needed


def test_the_patched_module_has_it_and_numpy_is_left_alone():
    assert CSEval.np.in1d is in1d and CSEval.np.zeros is np.zeros
    np.testing.assert_array_equal(in1d([[1, 5], [3, 7]], [3, 5]), [False, True, True, False])
