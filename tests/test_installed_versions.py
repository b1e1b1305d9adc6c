"""The environment the tests run in is the verified one: requirements/constraints.txt and the
exact pins of requirements/*.txt.

A package that floated (e.g. a new numpy or onnxruntime pulled in by a later ``pip install``)
fails here by name, before it shows as a numerical or API difference somewhere in the suite.
"""
import re
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterator

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / 'requirements' / 'constraints.txt'


def normalize(name: str) -> str:
    """The PEP 503 form of a distribution name."""
    return re.sub(r'[-_.]+', '-', name).lower()


def requirement_lines(path: Path) -> Iterator[str]:
    """The lines of a requirements file that are not blank or comments."""
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith('#'):
            yield line.strip()


def constraints() -> Dict[str, str]:
    """Normalized name -> pinned version of every line of the constraints file."""
    return {normalize(name): version
            for name, version in (line.split('==') for line in requirement_lines(CONSTRAINTS))}


def requirements() -> Iterator[Requirement]:
    """Every requirement of requirements/*.txt but the constraints."""
    for path in sorted((ROOT / 'requirements').glob('*.txt')):
        if path != CONSTRAINTS:
            yield from (Requirement(line) for line in requirement_lines(path))


def exact_pins() -> Dict[str, str]:
    """What the verified environment holds: the constraints, and the ``==`` pins of the
    requirement files for what they leave out (setuptools, see tools/misc/freeze_constraints.py)."""
    pins = {normalize(r.name): str(spec.version) for r in requirements() for spec in r.specifier
            if spec.operator == '=='}
    pins.update(constraints())
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


def test_every_pinned_package_is_installed_at_its_version():
    versions = installed()
    wrong = [f'{name}: pinned {pinned}, installed {versions.get(name, "nothing")}'
             for name, pinned in exact_pins().items()
             if name not in versions or not is_pinned_version(versions[name], pinned)]
    assert not wrong, (f'{wrong}: not the verified versions. Run `make install`, or regenerate '
                       f'{CONSTRAINTS.name} with tools/misc/freeze_constraints.py once the new '
                       'versions are verified')


def test_requirement_files_agree_with_the_constraints():
    # A pin bumped in requirements/*.txt without regenerating the constraints would make
    # `pip install -c` fail to resolve; a requirement in neither would float.
    pins = constraints()
    disagree = []
    for requirement in requirements():
        pinned = pins.get(normalize(requirement.name))
        if pinned is None:
            if not any(spec.operator == '==' for spec in requirement.specifier):
                disagree.append(f'{requirement}: neither constrained nor pinned exactly')
        elif not requirement.specifier.contains(pinned, prereleases=True):
            disagree.append(f'{requirement}: constrained to {pinned}')
    assert not disagree, disagree


def test_any_build_of_the_pinned_torch_is_accepted():
    assert is_pinned_version('2.13.0+cu128', '2.13.0')
    assert is_pinned_version('2.13.0', '2.13.0')
    assert not is_pinned_version('2.12.0+cu128', '2.13.0')
    assert not is_pinned_version('2.13.1', '2.13.0')
