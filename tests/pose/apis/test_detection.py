"""The detector stage: mmdet detectors' person boxes, filtered, in image pixels."""
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from pose.apis import Detections, MMDetPersonDetector, select_people
from pose.apis.detection import load_detector_config
from pose.apis.tracking import box_iou

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / 'data/samples/coco'
NANO = 'configs/det/rtmdet_nano_320-8xb32_coco-person.py'
RTMDET_M = 'configs/det/rtmdet_m_640-8xb32_coco-person.py'
POSE_CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
SEG_CONFIG = 'configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py'

pytestmark = pytest.mark.usefixtures('one_thread')


def test_people_are_selected_by_class_score_and_overlap():
    bboxes = np.array([[0, 0, 100, 200],     # person 0.9
                       [5, 5, 100, 200],     # person 0.8, overlaps the first: NMS
                       [300, 0, 400, 200],   # person 0.5
                       [500, 0, 600, 200],   # person 0.2: below the threshold
                       [700, 0, 800, 200],   # another class
                       [900, 0, 900, 200]],  # person, empty box
                      np.float32)
    scores = np.array([0.9, 0.8, 0.5, 0.2, 0.95, 0.9], np.float32)
    labels = np.array([0, 0, 0, 0, 3, 0])

    people = select_people(bboxes, scores, labels, person_id=0, score_thr=0.3, nms_thr=0.3)
    np.testing.assert_array_equal(people.bboxes, bboxes[[0, 2]])
    np.testing.assert_array_equal(people.scores, scores[[0, 2]])

    best = select_people(bboxes, scores, labels, max_people=1)
    np.testing.assert_array_equal(best.bboxes, bboxes[[0]])
    # A looser NMS keeps the overlapping box; another class id keeps the other class's box.
    assert len(select_people(bboxes, scores, labels, nms_thr=0.99)) == 3
    np.testing.assert_array_equal(select_people(bboxes, scores, labels, person_id=3).bboxes,
                                  bboxes[[4]])

    nobody = select_people(bboxes, scores, labels, score_thr=0.99)
    assert nobody.bboxes.shape == (0, 4) and nobody.scores.shape == (0,)


@pytest.fixture(scope='module')
def detector(known_box_detector_checkpoint) -> MMDetPersonDetector:
    """RTMDet-nano (random weights) predicting known boxes: see tests/conftest.py."""
    return MMDetPersonDetector(NANO, known_box_detector_checkpoint, score_thr=0.3)


@pytest.mark.parametrize('name', ['000000000785.jpg', '000000040083.jpg'])
def test_boxes_are_in_image_pixels(detector, known_boxes, name):
    image = cv2.imread(str(SAMPLES / name))
    people = detector(image)

    assert people.bboxes.shape == (len(people), 4) and people.bboxes.dtype == np.float32
    assert len(people) > 1
    np.testing.assert_array_equal(people.scores, np.full(len(people), 0.5, np.float32))
    candidates = known_boxes(*image.shape[:2])
    distance = np.abs(people.bboxes[:, None] - candidates[None]).max(axis=-1).min(axis=1)
    assert distance.max() < 1e-3
    # Our NMS (0.3) ran after mmdet's (0.65): no two kept boxes overlap by more.
    iou = box_iou(people.bboxes, people.bboxes)
    assert (iou[~np.eye(len(people), dtype=bool)] <= 0.3 + 1e-6).all()


def test_max_people_and_threshold(known_box_detector_checkpoint):
    image = cv2.imread(str(SAMPLES / '000000196141.jpg'))
    three = MMDetPersonDetector(NANO, known_box_detector_checkpoint, max_people=3)(image)
    assert len(three) == 3
    nobody = MMDetPersonDetector(NANO, known_box_detector_checkpoint, score_thr=0.6)(image)
    assert nobody.bboxes.shape == (0, 4) and nobody.scores.shape == (0,)


def test_person_class_is_found_by_name():
    assert MMDetPersonDetector(NANO).person_id == 0          # classes ('person',)
    coco = MMDetPersonDetector(NANO, cfg_options=dict(
        model=dict(bbox_head=dict(num_classes=80)),
        test_dataloader=dict(dataset=dict(metainfo=None))))
    assert coco.classes[0] == 'person' and len(coco.classes) == 80
    animals = dict(test_dataloader=dict(dataset=dict(metainfo=dict(classes=('cat', 'dog')))))
    with pytest.raises(ValueError, match="name no 'person': pass person_id"):
        MMDetPersonDetector(NANO, cfg_options=animals)
    assert MMDetPersonDetector(NANO, person_id=1, cfg_options=animals).person_id == 1


@pytest.mark.slow
def test_larger_person_detector_builds():
    detector = MMDetPersonDetector(RTMDET_M)
    assert detector.model.bbox_head.num_classes == 1
    people = detector(np.zeros((120, 160, 3), np.uint8))
    assert isinstance(people, Detections) and people.bboxes.shape[1:] == (4,)


@pytest.mark.parametrize('config, kind', [(POSE_CONFIG, 'TopdownPoseEstimator'),
                                          (SEG_CONFIG, 'RuntimeEncoderDecoder')])
def test_a_config_of_another_task_is_refused(config, kind):
    with pytest.raises(ValueError, match='not a detector') as error:
        load_detector_config(config)
    assert str(error.value).startswith(f'{config} ')
    assert f'its model {kind!r}' in str(error.value)


def test_a_checkpoint_of_another_detector_is_refused(tmp_path):
    other = MMDetPersonDetector(RTMDET_M).model
    path = tmp_path / 'rtmdet_m.pth'
    torch.save(dict(state_dict=other.state_dict()), path)
    with pytest.raises(RuntimeError, match=re.escape(f'checkpoint {path} does not fit')):
        MMDetPersonDetector(NANO, str(path))
