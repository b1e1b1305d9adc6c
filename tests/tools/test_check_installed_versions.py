"""tools/misc/check_installed_versions.py, which `make install` runs last: the requirement files
agree with the constraints, and a package that floated from its pin is named."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location(
    'check_installed_versions', ROOT / 'tools/misc/check_installed_versions.py')
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def test_the_requirement_files_agree_with_the_constraints():
    assert check.disagreements() == []


def test_a_bumped_or_floating_requirement_is_named(tmp_path):
    (tmp_path / 'constraints.txt').write_text('numpy==2.0.0\n')
    (tmp_path / 'runtime.txt').write_text('# comment\nnumpy>=2.1\nscipy\nmmcv==2.1.0\n')
    found = check.disagreements(tmp_path)
    assert len(found) == 2
    assert found[0].startswith('numpy>=2.1') and '2.0.0' in found[0]
    assert found[1].startswith('scipy')
    assert check.exact_pins(tmp_path) == {'numpy': '2.0.0', 'mmcv': '2.1.0'}


def test_a_floated_or_missing_package_is_named():
    pins = {'numpy': '2.1.0', 'onnxruntime': '1.32.0', 'torch': '2.13.0'}
    versions = {'numpy': '2.2.0', 'torch': '2.13.0+cu128'}
    assert check.differences(pins, versions) == [
        'numpy: pinned 2.1.0, installed 2.2.0', 'onnxruntime: pinned 1.32.0, installed nothing']


def test_any_build_of_the_pinned_torch_is_accepted():
    assert check.is_pinned_version('2.13.0+cu128', '2.13.0')
    assert check.is_pinned_version('2.13.0', '2.13.0')
    assert not check.is_pinned_version('2.12.0+cu128', '2.13.0')
    assert not check.is_pinned_version('2.13.1', '2.13.0')
