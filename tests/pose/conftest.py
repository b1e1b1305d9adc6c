"""Shared fixtures of the pose tests: the bundled sample data and the registry scope."""
from pathlib import Path

import pytest
from mmengine.registry import init_default_scope

SAMPLES = Path(__file__).resolve().parents[2] / 'data' / 'samples'


@pytest.fixture(autouse=True)
def pose_scope():
    """Build config dicts from the ``pose`` registries, as configs with default_scope do."""
    init_default_scope('pose')


@pytest.fixture
def coco_dir() -> Path:
    """data/samples/coco: 4 val2017 images, test_coco.json, test_coco_det_AP_H_56.json."""
    return SAMPLES / 'coco'


@pytest.fixture
def mpii_dir() -> Path:
    """data/samples/mpii: 5 images, test_mpii.json, mpii_gt_val.mat."""
    return SAMPLES / 'mpii'
