"""Shared fixtures of the segmentation tests: the bundled samples, the mmseg scope, CPU configs."""
import shutil
from pathlib import Path
from typing import Callable

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import seg  # noqa: F401  registers LiteHRNet and seg's dataset wrapper, transform and metric

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / 'data' / 'samples'


@pytest.fixture(autouse=True)
def mmseg_scope():
    """Build config dicts from mmseg's registries, as configs with default_scope do."""
    init_default_scope('mmseg')


@pytest.fixture(autouse=True)
def one_thread():
    """Run on one CPU thread: these small models gain nothing from a second one, and when
    another process shares the cores, two OpenMP threads wait on each other at every op
    (measured: 0.2 s per training step on one thread, up to 20 s on two)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def cityscapes_root() -> Path:
    """data/samples/cityscapes: one 256x128 frame in the val split (frankfurt_000000_000294),
    with labelIds, labelTrainIds and instanceIds ground truth."""
    return SAMPLES / 'cityscapes'


@pytest.fixture
def ade_root() -> Path:
    """data/samples/ade20k/ADEChallengeData2016: three validation images with annotations."""
    return SAMPLES / 'ade20k' / 'ADEChallengeData2016'


def replace_sync_bn(node):
    """The config with every ``SyncBN`` norm replaced by ``BN`` (single CPU process)."""
    if isinstance(node, dict):
        return {k: ('BN' if k == 'type' and v == 'SyncBN' else replace_sync_bn(v))
                for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(replace_sync_bn(v) for v in node)
    return node


@pytest.fixture
def cpu_config() -> Callable[[str], Config]:
    """Load a config (path relative to the repository) with BN instead of SyncBN."""

    def load(path: str) -> Config:
        cfg = Config.fromfile(str(ROOT / path))
        cfg.model = replace_sync_bn(cfg.model.to_dict())
        return cfg

    return load


@pytest.fixture
def writable_copy() -> Callable[[Path, Path], Path]:
    """Copy a (read-only) sample folder to ``dst`` with writable files and folders."""

    def copy(src: Path, dst: Path) -> Path:
        shutil.copytree(src, dst, copy_function=shutil.copyfile, dirs_exist_ok=True)
        for path in [dst, *dst.rglob('*')]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        return dst

    return copy
