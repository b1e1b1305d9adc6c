"""Install the Lite-HRNet framework: the `litehrnet` backbone and the `pose` and `seg` tasks."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list:
    """Return the requirement lines of ``requirements/<name>``, without comments."""
    lines = (HERE / 'requirements' / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith('#')]


setup(
    name='litehrnet',
    version='0.1.0',
    description='Lite-HRNet backbone, top-down pose estimation and semantic segmentation '
    'on mmengine / mmsegmentation 1.x',
    long_description=(HERE / 'README.md').read_text(),
    long_description_content_type='text/markdown',
    python_requires='>=3.9',
    packages=find_packages(
        include=['litehrnet', 'litehrnet.*', 'engine', 'engine.*', 'pose', 'pose.*', 'seg', 'seg.*']),
    # torch is left unpinned here so that a CUDA build that is already installed is kept;
    # requirements/torch.txt pins the verified CPU version for `make install`.
    install_requires=['torch>=2.1'] + read_requirements('runtime.txt'),
    extras_require={'deploy': read_requirements('deploy.txt'),
                    'detection': read_requirements('detection.txt'),
                    'tests': read_requirements('tests.txt')},
    license='Apache-2.0',
)
