"""Write requirements/constraints.txt: the exact version of every package of a verified venv.

    .venv/bin/python tools/misc/freeze_constraints.py [--python PYTHON] [--out FILE]

Run it with (or point ``--python`` at) the interpreter of the venv that ``make install`` built
and the tests passed in, and commit the file it writes. ``requirements/*.txt`` pin only what
the code depends on closely (torch, mmengine, mmcv, mmsegmentation, xtcocotools); everything
else (numpy, opencv-python, onnx, onnxruntime, scipy, cityscapesscripts and their own
dependencies) would float to the newest release on the next install. ``pip install -c
requirements/constraints.txt`` holds each of them at the version verified here; a constraint
never installs a package by itself, it only fixes the version of one that is asked for.

The list is ``pip list --format=freeze`` of that interpreter, except:

- this project, and any other editable install: it is installed from the working tree;
- pip: the venv's own pip comes with the Python it was made from, not from the requirements;
- setuptools: requirements/build.txt pins it exactly (mmcv 2.1.0 builds only below 70), and
  torch 2.13 declares ``setuptools>=77.0.3``: as a constraint, it would make the step that
  installs torch unresolvable;
- local version labels (``torch==2.13.0+cpu`` becomes ``torch==2.13.0``): the label names the
  build (CPU, CUDA 12.8, ...) that the package index chose, not a version. PEP 440's ``==2.13.0``
  accepts every build of 2.13.0, so a CUDA build that is already installed is kept (``make
  install`` keeps an importable torch), while ``==2.13.0+cpu`` would make pip replace it.
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Set

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / 'requirements' / 'constraints.txt'
# Not pinned here (see the module's docstring for why).
ALWAYS_EXCLUDED = {'pip', 'setuptools'}


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name (``Foo_Bar.baz`` -> ``foo-bar-baz``)."""
    return re.sub(r'[-_.]+', '-', name).lower()


def project_name(setup_py: Path = ROOT / 'setup.py') -> str:
    """The ``name=`` that setup.py gives this project."""
    match = re.search(r"""\bname\s*=\s*['"]([^'"]+)['"]""", setup_py.read_text())
    if match is None:
        raise ValueError(f'{setup_py}: no name=... found')
    return match.group(1)


def pip_freeze(python: str) -> List[str]:
    """``pip list --format=freeze`` of ``python``'s environment, editable installs left out."""
    command = [python, '-m', 'pip', 'list', '--format=freeze', '--exclude-editable',
               '--disable-pip-version-check']
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()


def python_description(python: str) -> str:
    """E.g. ``Python 3.11.7, linux x86_64`` for ``python``."""
    code = ('import platform, sys; '
            'print(f"Python {platform.python_version()}, {sys.platform} {platform.machine()}")')
    return subprocess.run([python, '-c', code], check=True, capture_output=True,
                          text=True).stdout.strip()


def constraint_lines(freeze: Iterable[str], exclude: Set[str]) -> List[str]:
    """``name==version`` lines of ``freeze`` (``pip list --format=freeze`` output), sorted by
    name, without the ``exclude``d names and without local version labels."""
    exclude = {normalize(name) for name in exclude | ALWAYS_EXCLUDED}
    pins = {}
    for line in freeze:
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        name, sep, version = line.partition('==')
        if not sep:
            raise ValueError(f'not a name==version line: {line!r}')
        if normalize(name) not in exclude:
            pins[normalize(name)] = f'{name}=={version.split("+", 1)[0]}'
    return [pins[key] for key in sorted(pins)]


def render(lines: List[str], description: str) -> str:
    """The constraints file: a header saying where it comes from, then ``lines``."""
    header = [
        f'# The exact versions of the packages in the verified .venv ({description}).',
        '# Generated, not edited: after `make install` and the tests pass, rewrite it with',
        '#   .venv/bin/python tools/misc/freeze_constraints.py',
        '# `make install` passes it to pip as `-c requirements/constraints.txt`. Local build',
        '# labels are dropped (torch==2.13.0, not 2.13.0+cpu) so that any build of the version,',
        '# e.g. an installed CUDA torch, satisfies it. Not listed: this project, pip, and',
        '# setuptools (requirements/build.txt pins it; torch would conflict with a constraint).',
    ]
    return '\n'.join(header + lines) + '\n'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--python', default=sys.executable,
                        help='interpreter of the verified venv (default: this one)')
    parser.add_argument('--out', default=str(DEFAULT_OUT), help='file to write')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    lines = constraint_lines(pip_freeze(args.python), exclude={project_name()})
    Path(args.out).write_text(render(lines, python_description(args.python)))
    print(f'wrote {len(lines)} constraints to {args.out}')


if __name__ == '__main__':
    main()
