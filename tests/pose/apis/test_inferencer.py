"""PoseInferencer: detector -> pose on images, folders and videos; its keypoints equal the test
tool's; in videos, boxes follow people between detections."""
import re
from pathlib import Path
from typing import Iterator, List

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from pose.apis import (Detections, Frame, FrameSource, MMDetPersonDetector, PoseInferencer,
                       inference_topdown, init_model)

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / 'data/samples/coco'
POSE_CONFIG = str(ROOT / 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py')
NANO = str(ROOT / 'configs/det/rtmdet_nano_320-8xb32_coco-person.py')
NAMES = sorted(p.name for p in SAMPLES.glob('*.jpg'))
NO_FLIP = dict(model=dict(test_cfg=dict(flip_test=False)))


pytestmark = pytest.mark.usefixtures('one_thread')


@pytest.fixture(scope='module')
def pose_checkpoint(tmp_path_factory) -> str:
    """The demo config's model with non-trivial random weights (an untrained network's heatmaps
    are flat), saved weights-only."""
    model = init_model(POSE_CONFIG)
    torch.manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(std=0.05)
    path = tmp_path_factory.mktemp('pose') / 'pose.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return str(path)


def count_pose_batches(inferencer: PoseInferencer) -> List[int]:
    """Record the batch size of every pose model call."""
    sizes = []
    test_step = inferencer.pose_model.test_step

    def counted(data):
        sizes.append(len(data['inputs']))
        return test_step(data)

    inferencer.pose_model.test_step = counted
    return sizes


@pytest.mark.slow
def test_detector_to_pose_on_the_sample_images(pose_checkpoint,
                                               known_box_detector_checkpoint):
    inferencer = PoseInferencer(POSE_CONFIG, pose_checkpoint, NANO,
                                known_box_detector_checkpoint, max_people=3)
    batches = count_pose_batches(inferencer)
    results = list(inferencer(str(SAMPLES), draw=True))

    assert [r.name for r in results] == NAMES and [r.index for r in results] == [0, 1, 2, 3]
    assert batches == [3, 3, 3, 3]  # every person of a frame in one batch
    for result in results:
        image = cv2.imread(str(SAMPLES / result.name))
        people = inferencer.detector(image)
        np.testing.assert_array_equal(result.bboxes, people.bboxes)
        np.testing.assert_array_equal(result.bbox_scores, people.scores)
        assert result.keypoints.shape == (3, 17, 2) and result.keypoint_scores.shape == (3, 17)
        assert result.detected and result.track_ids is None  # stills: no identities
        assert result.visualization.shape == image.shape
        for kpts, scores, (x1, y1, x2, y2) in zip(result.keypoints, result.keypoint_scores,
                                                  result.bboxes):
            # Inside the crop (the box padded by 1.25 and fixed to 3:4), except keypoints
            # whose heatmap maximum is <= 0, which decode to a sentinel.
            kpts = kpts[scores > 0]
            assert len(kpts) > 0
            w, h = (x2 - x1) * 1.25, (y2 - y1) * 1.25
            w, h = max(w, h * 0.75), max(h, w / 0.75)
            assert (np.abs(kpts - [(x1 + x2) / 2, (y1 + y2) / 2]) <= [w / 2 + 1, h / 2 + 1]).all()
        records = result.coco_records()
        assert len(records) == 3 and {r['image_id'] for r in records} == {result.index}
        assert all(len(r['keypoints']) == 51 and r['category_id'] == 1 for r in records)
    assert inferencer.times.frames == 4 and inferencer.times.detection > 0


def test_a_frame_without_people(known_box_detector_checkpoint):
    inferencer = PoseInferencer(POSE_CONFIG, None, NANO, known_box_detector_checkpoint,
                                bbox_thr=0.6)  # above every known box's score (0.5)
    batches = count_pose_batches(inferencer)
    black = np.zeros((240, 320, 3), np.uint8)
    [result] = inferencer(black, draw=True)

    assert result.bboxes.shape == (0, 4) and result.bbox_scores.shape == (0,)
    assert result.keypoints.shape == (0, 17, 2) and result.keypoint_scores.shape == (0, 17)
    assert batches == [] and result.coco_records() == []
    assert np.array_equal(result.visualization, black)


def test_without_a_detector_the_whole_frame_or_the_given_boxes():
    inferencer = PoseInferencer(POSE_CONFIG)
    image = cv2.imread(str(SAMPLES / NAMES[0]))
    [whole] = inferencer(image)
    np.testing.assert_array_equal(whole.bboxes, [[0, 0, image.shape[1], image.shape[0]]])
    assert not whole.detected

    boxes = {NAMES[0]: np.array([[10, 20, 110, 220, 0.7]], np.float32)}
    given = list(inferencer(str(SAMPLES), bboxes=boxes))
    np.testing.assert_array_equal(given[0].bboxes, boxes[NAMES[0]][:, :4])
    np.testing.assert_array_equal(given[0].bbox_scores, boxes[NAMES[0]][:, 4])
    assert [len(r) for r in given] == [1, 0, 0, 0]  # no boxes given: nobody


@pytest.mark.parametrize('image', [
    np.zeros((8, 8, 3), np.int64), np.zeros((8, 8, 3), np.float16), np.zeros((8, 8, 3), bool),
    np.zeros((0, 8, 3), np.uint8), np.zeros((8, 8), np.uint8), np.zeros((8, 8, 4), np.uint8)])
def test_arrays_that_are_not_images_are_refused_at_the_door(image):
    inferencer = PoseInferencer(POSE_CONFIG)
    with pytest.raises(ValueError, match=re.escape(f'got {image.dtype} of shape {image.shape}')):
        list(inferencer(image))
    with pytest.raises(ValueError, match='uint8 BGR array'):
        inference_topdown(inferencer.pose_model, image)


class AnnotationBoxes:
    """A detector that returns the annotated people of each sample image, in the dataset's
    order (the images come in file-name order, as the inferencer reads the folder)."""

    def __init__(self, boxes_by_name: dict) -> None:
        self.boxes = [boxes_by_name[name] for name in NAMES]
        self.calls = 0

    def __call__(self, image: np.ndarray) -> Detections:
        boxes = self.boxes[self.calls]
        self.calls += 1
        return Detections(boxes, np.ones(len(boxes), np.float32))


@pytest.mark.slow
def test_keypoints_equal_the_test_tools(pose_checkpoint):
    """Ground-truth boxes through the detector interface give exactly the keypoints that
    tools/test.py computes for them (the config's test dataloader and ``test_step``)."""
    cfg = Config.fromfile(POSE_CONFIG)
    cfg.test_dataloader.dataset.bbox_file = None  # ground-truth boxes
    model = init_model(cfg, pose_checkpoint)
    with DefaultScope.overwrite_default_scope('pose'):
        loader = Runner.build_dataloader(cfg.test_dataloader)
    expected, boxes_by_name = {}, {}
    with torch.no_grad():
        for batch in loader:
            for sample in model.test_step(batch):
                name = Path(sample.img_path).name
                box = sample.gt_instances.bboxes[0]
                boxes_by_name.setdefault(name, []).append(box)
                expected[name, tuple(box)] = sample.pred_instances.keypoints[0]
    boxes_by_name = {k: np.stack(v).astype(np.float32) for k, v in boxes_by_name.items()}

    inferencer = PoseInferencer(cfg, pose_checkpoint, detector=AnnotationBoxes(boxes_by_name))
    compared = 0
    for result in inferencer(str(SAMPLES)):
        for box, keypoints in zip(result.bboxes, result.keypoints):
            np.testing.assert_allclose(keypoints, expected[result.name, tuple(box)], rtol=0,
                                       atol=1e-4)
            compared += 1
    assert compared == len(expected) == 12  # the people with keypoints


# -- videos ---------------------------------------------------------------------------------

PATCH_W, PATCH_H, STEP = 50, 80, (6, 2)  # a person, moving 6 px right and 2 px down per frame
# A heatmap cell in image pixels: crops of these boxes are at most 128 px high, heatmaps 64.
CELL = 2.0


class MovingPerson(FrameSource):
    """A video of a sample person on black, moving by STEP per frame."""

    is_video, fps, name = True, 10.0, 'moving'

    def __init__(self, frames: int = 10) -> None:
        image = cv2.imread(str(SAMPLES / '000000000785.jpg'))
        person = image[45:391, 281:499]  # its annotated box
        # Brighter than the background everywhere, for the silhouette head below.
        self.patch = np.clip(cv2.resize(person, (PATCH_W, PATCH_H)), 60, 255)
        self.num_frames = frames

    def box(self, index: int) -> np.ndarray:
        x, y = 40 + STEP[0] * index, 60 + STEP[1] * index
        return np.array([x, y, x + PATCH_W, y + PATCH_H], np.float32)

    def __iter__(self) -> Iterator[Frame]:
        for index in range(self.num_frames):
            frame = np.zeros((240, 320, 3), np.uint8)
            x1, y1, x2, y2 = self.box(index).astype(int)
            frame[y1:y2, x1:x2] = self.patch
            yield Frame(index, frame, f'moving_{index:06d}')


def silhouette_corner_heatmaps(inputs: torch.Tensor) -> torch.Tensor:
    """A stand-in pose network that sees where the person is: (N, 3, 256, 192) normalised
    crops -> (N, 17, 64, 48) heatmaps, keypoint k peaking at one corner (top-left,
    bottom-right, top-right, bottom-left, in turn) of the crop's non-black area."""
    silhouette = F.avg_pool2d((inputs.mean(1, keepdim=True) > -1.5).float(), 4)[:, 0]
    height, width = silhouette.shape[-2:]
    ys = torch.linspace(0, 1, height)[:, None]
    xs = torch.linspace(0, 1, width)[None, :]
    ramps = [2 - xs - ys, xs + ys, 1 + xs - ys, 1 - xs + ys]
    return torch.stack([silhouette * (0.5 + 0.2 * ramps[k % 4]) for k in range(17)], dim=1)


class TrueBox:
    """A detector that finds the moving person exactly (the lit pixels of the frame: the video
    decodes ahead of the inferencer, so the frame is known by its content), and records the
    index of every frame it is called on."""

    def __init__(self, video: MovingPerson) -> None:
        self.video, self.frames = video, []

    def __call__(self, image: np.ndarray) -> Detections:
        ys, xs = np.nonzero(image.max(axis=-1))
        index = int(round((xs.min() - self.video.box(0)[0]) / STEP[0]))
        self.frames.append(index)
        return Detections(self.video.box(index)[None], np.array([0.9], np.float32))


def run_video(det_interval: int, **kwargs) -> tuple:
    """The moving person through the inferencer, with the silhouette pose network and the
    exact detector: (video, detector, results)."""
    video = MovingPerson()
    detector = TrueBox(video)
    inferencer = PoseInferencer(POSE_CONFIG, detector=detector, det_interval=det_interval,
                                pose_cfg_options=NO_FLIP, **kwargs)
    # In place of the network (the hook an exported graph uses): its heatmaps.
    inferencer.pose_model.runtime = silhouette_corner_heatmaps
    return video, detector, list(inferencer(video))


@pytest.mark.parametrize('det_interval', [1, 4])
def test_boxes_follow_a_moving_person_between_detections(det_interval):
    video, detector, results = run_video(det_interval)

    every = list(range(0, 10, det_interval))
    assert detector.frames == every
    assert [r.detected for r in results] == [i in every for i in range(10)]
    for result in results:
        assert len(result) == 1 and result.track_ids.tolist() == [0]
        # The keypoints mark the person's corners in this frame, to the heatmap's resolution
        # (the last cell fully inside the person, within two cells of the corner).
        kpts = result.keypoints[0]
        extent = np.concatenate([kpts.min(axis=0), kpts.max(axis=0)])
        np.testing.assert_allclose(extent, video.box(result.index), atol=2 * CELL)
        if not result.detected:
            # The box is the previous frame's keypoints' extent grown by 1.25: it has moved
            # along with the person, and still holds them in this frame.
            previous = video.box(result.index - 1)
            center = (result.bboxes[0, :2] + result.bboxes[0, 2:]) / 2
            np.testing.assert_allclose(center, (previous[:2] + previous[2:]) / 2, atol=CELL)
            size = result.bboxes[0, 2:] - result.bboxes[0, :2]
            np.testing.assert_allclose(size, [PATCH_W * 1.25, PATCH_H * 1.25],
                                       atol=2 * CELL * 1.25)


def test_a_lost_person_is_detected_again():
    """Keypoints too weak to place a box: the next frame runs the detector."""
    video, detector, results = run_video(5, kpt_thr=0.95)  # above every heatmap peak
    assert detector.frames == list(range(10))


def test_smoothing_lags_raw_keypoints_in_motion():
    _, _, raw = run_video(1)
    _, _, smooth = run_video(1, smooth=True, smooth_cfg=dict(min_cutoff=1.0, beta=0.0))
    np.testing.assert_array_equal(smooth[0].keypoints, raw[0].keypoints)  # first: as is
    for r, s in zip(raw[1:], smooth[1:]):
        # Moving right: the smoothed keypoints trail the raw ones, but not past the start.
        lag = r.keypoints[0, :, 0] - s.keypoints[0, :, 0]
        assert (lag > 0).all() and (s.keypoints[0, :, 0] > raw[0].keypoints[0, :, 0] - 1).all()


# -- bad input ------------------------------------------------------------------------------

def test_a_pose_checkpoint_of_another_model_is_named(tmp_path):
    other = init_model('configs/pose/lite_hrnet/coco/litehrnet_30_coco_256x192.py')
    path = tmp_path / 'litehrnet30.pth'
    torch.save(dict(state_dict=other.state_dict()), path)
    with pytest.raises(RuntimeError, match=re.escape(f'checkpoint {path} does not fit')):
        PoseInferencer(POSE_CONFIG, str(path))


def test_a_detector_config_of_another_kind_is_named():
    with pytest.raises(ValueError, match='not a detector') as error:
        PoseInferencer(POSE_CONFIG, det_config=POSE_CONFIG)
    assert str(error.value).startswith(f'{POSE_CONFIG} ')


def test_detector_options_are_checked():
    detector = MMDetPersonDetector.__new__(MMDetPersonDetector)
    with pytest.raises(ValueError, match='det_config or detector, not both'):
        PoseInferencer(POSE_CONFIG, det_config=NANO, detector=detector)
    with pytest.raises(ValueError, match='det_interval must be at least 1'):
        PoseInferencer(POSE_CONFIG, det_interval=0)
