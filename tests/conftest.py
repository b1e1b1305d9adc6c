"""Fixtures shared across test folders: models with randomised norms, and an RTMDet whose
boxes are known in advance.

An untrained detector's boxes are arbitrary, which leaves nothing to check them against. The
person detector of configs/det/ (RTMDet-nano) with its prediction layers set by hand predicts
instead, whatever the image, the same score 0.5 and a box of half-size 2 x 32 = 64 network
pixels around every point of its stride-32 level (the two finer levels score sigmoid(-20), below
mmdet's own threshold). The boxes the detector stage returns must then be some of these
candidates, mapped back from the 320x320 letterboxed input to the image: that checks the
coordinates, and everything else (network, mmdet's post-processing, our filtering) really runs.
"""
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
RTMDET_NANO = str(ROOT / 'configs/det/rtmdet_nano_320-8xb32_coco-person.py')
INPUT_SIZE, STRIDE, HALF_SIZE = 320, 32, 64  # RTMDet-nano's input; the box level; half a box

_LANES = {'subprocess', 'distributed', 'slow'}


def pytest_collection_modifyitems(items) -> None:
    """Tests that run a tool through the ``tools`` fixture are ``subprocess`` tests; every
    test in no other lane is a ``unit`` test (pytest.ini describes the lanes)."""
    for item in items:
        if 'tools' in getattr(item, 'fixturenames', ()):
            item.add_marker(pytest.mark.subprocess)
        if not {mark.name for mark in item.iter_markers()} & _LANES:
            item.add_marker(pytest.mark.unit)


def randomise_norms(model: torch.nn.Module, weight_range=(0.3, 0.8)) -> torch.nn.Module:
    """Give every BatchNorm non-trivial affine parameters and running statistics, so that
    folding them, reordering operations and exporting are actually exercised (in place; returns
    ``model``). The weight range keeps the activations O(1) through Lite-HRNet's fuse layers,
    which double branch 0 in every module."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.uniform_(m.weight, *weight_range)
            torch.nn.init.uniform_(m.bias, -0.2, 0.2)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    return model


@pytest.fixture(scope='session')
def randomised_norms() -> Callable[[torch.nn.Module], torch.nn.Module]:
    """:func:`randomise_norms`, for tests that build their own modules."""
    return randomise_norms


def predict_known_boxes(detector: torch.nn.Module) -> torch.nn.Module:
    """Set an RTMDet-nano's prediction convs so that it predicts the boxes of
    :func:`known_box_candidates` with score 0.5 (in place; returns ``detector``)."""
    head = detector.bbox_head
    with torch.no_grad():
        for level, (cls_conv, reg_conv) in enumerate(zip(head.rtm_cls, head.rtm_reg)):
            cls_conv.weight.zero_()
            cls_conv.bias.fill_(0.0 if head.prior_generator.strides[level][0] == STRIDE
                                else -20.0)
            reg_conv.weight.zero_()
            reg_conv.bias.fill_(HALF_SIZE / STRIDE)  # distances are in units of the stride
    return detector


def known_box_candidates(height: int, width: int) -> np.ndarray:
    """(M, 4) the boxes :func:`predict_known_boxes` makes the detector predict, in the pixels
    of an ``height`` x ``width`` image (resized to fit 320x320 and padded, as the config's test
    pipeline does; clipped to the input, then to the image)."""
    scale = INPUT_SIZE / max(height, width)
    scale_x = int(width * scale + 0.5) / width
    scale_y = int(height * scale + 0.5) / height
    points = np.arange(0, INPUT_SIZE, STRIDE, dtype=np.float32)
    px, py = [a.reshape(-1) for a in np.meshgrid(points, points)]
    boxes = np.stack([px - HALF_SIZE, py - HALF_SIZE, px + HALF_SIZE, py + HALF_SIZE], axis=1)
    boxes = boxes.clip(0, INPUT_SIZE) / [scale_x, scale_y, scale_x, scale_y]
    boxes = boxes.clip(0, [width, height, width, height])
    return boxes[(boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])].astype(np.float32)


@pytest.fixture(scope='session')
def known_box_detector_checkpoint(tmp_path_factory) -> str:
    """An RTMDet-nano checkpoint (weights only) predicting the known boxes."""
    from pose.apis import MMDetPersonDetector
    model = predict_known_boxes(MMDetPersonDetector(RTMDET_NANO).model)
    path = tmp_path_factory.mktemp('rtmdet') / 'rtmdet_nano_known_boxes.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return str(path)


@pytest.fixture(scope='session')
def known_boxes():
    """:func:`known_box_candidates`, for the tests (conftest modules are not importable)."""
    return known_box_candidates
