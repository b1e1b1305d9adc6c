"""Check that an environment holds the verified stack: every package of
requirements/constraints.txt, and every ``==`` pin of requirements/*.txt, at its version.

    .venv/bin/python tools/misc/check_installed_versions.py

``make install`` runs it last, so a package that floated (a new numpy or onnxruntime pulled in
by a later ``pip install``) fails the install by name, before it shows as a numerical or API
difference somewhere in the tests. Exit status 1 lists each package that differs.
"""
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterator, List

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / 'requirements'
CONSTRAINTS = REQUIREMENTS / 'constraints.txt'


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name."""
    return re.sub(r'[-_.]+', '-', name).lower()


def requirement_lines(path: Path) -> Iterator[str]:
    """The lines of a requirements file that are not blank or comments."""
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith('#'):
            yield line.strip()


def constraints(path: Path = CONSTRAINTS) -> Dict[str, str]:
    """Normalized name -> pinned version of every line of the constraints file."""
    return {normalize(name): version
            for name, version in (line.split('==') for line in requirement_lines(path))}


def requirements(folder: Path = REQUIREMENTS) -> Iterator[Requirement]:
    """Every requirement of ``folder``/*.txt but the constraints."""
    for path in sorted(folder.glob('*.txt')):
        if path.name != CONSTRAINTS.name:
            yield from (Requirement(line) for line in requirement_lines(path))


def exact_pins(folder: Path = REQUIREMENTS) -> Dict[str, str]:
    """What the verified environment holds: the constraints, and the ``==`` pins of the
    requirement files for what they leave out (setuptools, see freeze_constraints.py)."""
    pins = {normalize(r.name): str(spec.version) for r in requirements(folder)
            for spec in r.specifier if spec.operator == '=='}
    pins.update(constraints(folder / CONSTRAINTS.name))
    return pins


def installed() -> Dict[str, str]:
    """Normalized name -> version of each installed distribution, the one first on sys.path
    where there are several (the one ``import`` finds)."""
    versions: Dict[str, str] = {}
    for dist in metadata.distributions():
        versions.setdefault(normalize(dist.metadata['Name']), dist.version)
    return versions


def is_pinned_version(have: str, pinned: str) -> bool:
    """Whether ``have`` is ``pinned``, as pip reads ``name==pinned``.

    The file carries no local build labels (the generator drops them), and PEP 440 ignores a
    candidate's label when the pin has none: torch 2.13.0+cu128, a CUDA build that ``make
    install`` keeps, is the pinned 2.13.0 (the same release, built for another device), while
    2.12.0+cu128 is not.
    """
    have_version, pinned_version = Version(have), Version(pinned)
    if pinned_version.local is None:
        return Version(have_version.public) == pinned_version
    return have_version == pinned_version


def differences(pins: Dict[str, str], versions: Dict[str, str]) -> List[str]:
    """``name: pinned X, installed Y`` for each pin that ``versions`` does not hold."""
    return [f'{name}: pinned {pinned}, installed {versions.get(name, "nothing")}'
            for name, pinned in sorted(pins.items())
            if name not in versions or not is_pinned_version(versions[name], pinned)]


def disagreements(folder: Path = REQUIREMENTS) -> List[str]:
    """Requirements that the constraints would make unresolvable (a pin bumped in
    requirements/*.txt without regenerating the constraints), or that neither pins (it would
    float)."""
    pins = constraints(folder / CONSTRAINTS.name)
    found = []
    for requirement in requirements(folder):
        pinned = pins.get(normalize(requirement.name))
        if pinned is None:
            if not any(spec.operator == '==' for spec in requirement.specifier):
                found.append(f'{requirement}: neither constrained nor pinned exactly')
        elif not requirement.specifier.contains(pinned, prereleases=True):
            found.append(f'{requirement}: constrained to {pinned}')
    return found


def main() -> int:
    wrong = disagreements() + differences(exact_pins(), installed())
    for line in wrong:
        print(line, file=sys.stderr)
    if wrong:
        print(f'not the verified versions: run `make install`, or regenerate {CONSTRAINTS} with '
              'tools/misc/freeze_constraints.py once the new versions are verified',
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
