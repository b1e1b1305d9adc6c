"""The fallback transform base behaves like mmcv's when mmcv cannot be imported."""
import importlib.util
import sys
from pathlib import Path

import pytest

BASE_FILE = Path(__file__).resolve().parents[3] / 'pose' / 'transforms' / 'base.py'


def test_fallback_base_without_mmcv(monkeypatch):
    monkeypatch.setitem(sys.modules, 'mmcv.transforms', None)  # makes the import fail
    spec = importlib.util.spec_from_file_location('fallback_base', BASE_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.BaseTransform.__module__ == 'fallback_base'

    class AddOne(module.BaseTransform):

        def transform(self, results):
            results['x'] += 1
            return results

    assert AddOne()(dict(x=1)) == dict(x=2)
    with pytest.raises(TypeError):
        module.BaseTransform()  # abstract, as mmcv's
