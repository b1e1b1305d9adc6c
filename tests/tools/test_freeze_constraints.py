"""tools/misc/freeze_constraints.py turns the verified venv's package list into constraints."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location('freeze_constraints',
                                              ROOT / 'tools/misc/freeze_constraints.py')
freeze_constraints = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = freeze_constraints
spec.loader.exec_module(freeze_constraints)

FREEZE = ['torch==2.13.0+cpu', 'numpy==2.4.1', 'pip==23.2.1', 'LiteHRNet==0.1.0',
          'opencv-python==4.13.0.90', 'Markdown==3.10', 'setuptools==69.5.1',
          'typing_extensions==4.16.0']


def test_pins_every_package_but_the_project_pip_and_setuptools_without_build_labels():
    assert freeze_constraints.constraint_lines(FREEZE, exclude={'litehrnet'}) == [
        'Markdown==3.10', 'numpy==2.4.1', 'opencv-python==4.13.0.90', 'torch==2.13.0',
        'typing_extensions==4.16.0']


def test_rejects_what_is_not_a_pin():
    with pytest.raises(ValueError, match='not a name==version line'):
        freeze_constraints.constraint_lines(['numpy>=2'], exclude=set())


def test_project_name_is_read_from_setup_py():
    assert freeze_constraints.project_name() == 'litehrnet'


def test_the_committed_file_is_the_generator_s_output():
    # Hand edits show as a difference: the file is only ever rewritten by the tool.
    text = (ROOT / 'requirements/constraints.txt').read_text()
    header = text.splitlines()[0]
    description = header[header.index('(') + 1:header.rindex(')')]
    pins = [line for line in text.splitlines() if line and not line.startswith('#')]
    assert freeze_constraints.render(freeze_constraints.constraint_lines(pins, exclude=set()),
                                     description) == text
