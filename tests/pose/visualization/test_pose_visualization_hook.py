"""PoseVisualizationHook draws the first validation images, ground truth beside predictions,
every ``interval`` validations, into the runner's visualizer."""
import logging
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from mmengine.structures import InstanceData
from mmengine.visualization import Visualizer

from pose.datasets import metainfo_path, parse_pose_metainfo
from pose.registry import HOOKS
from pose.structures import PoseDataSample
from pose.visualization import PoseVisualizationHook, person_colors, scaled_sizes

ROOT = Path(__file__).resolve().parents[3]
IMAGES = sorted(str(p) for p in (ROOT / 'data/samples/coco').glob('*.jpg'))
META = parse_pose_metainfo(dict(from_file=metainfo_path('coco')))
K = META['num_keypoints']
# Keypoint 0 (nose) and 5 (left shoulder) are confident, 6 (right shoulder) is not.
SCORES = np.full((1, K), 0.1, np.float32)
SCORES[0, [0, 5]] = 0.9


def sample(path: str, offset: float) -> PoseDataSample:
    """One person: ground truth on a row at y = 100 + offset, prediction 30 pixels lower."""
    truth = np.stack([40 + 12 * np.arange(K), np.full(K, 100 + offset)], axis=1)[None]
    data = PoseDataSample(metainfo=dict(img_path=path))
    data.gt_instances = InstanceData(keypoints=truth.astype(np.float32),
                                     keypoints_visible=np.ones((1, K), np.float32))
    data.pred_instances = InstanceData(keypoints=(truth + [0, 30]).astype(np.float32),
                                       keypoint_scores=SCORES)
    return data


class FakeRunner(SimpleNamespace):
    """What the hook uses of a runner: the val dataset's metainfo, the visualizer, logger
    and epoch."""

    def __init__(self, save_dir: Path) -> None:
        dataset = SimpleNamespace(metainfo=META)
        super().__init__(
            val_loop=SimpleNamespace(dataloader=SimpleNamespace(dataset=dataset)),
            visualizer=Visualizer(name=f'vis_{save_dir.name}', save_dir=str(save_dir),
                                  vis_backends=[dict(type='LocalVisBackend')]),
            logger=logging.getLogger('test_pose_visualization_hook'), epoch=0)


def validate(hook: PoseVisualizationHook, runner: FakeRunner, batches) -> None:
    runner.epoch += 5
    hook.before_val_epoch(runner)
    for index, batch in enumerate(batches):
        hook.after_val_iter(runner, index, None, batch)
    hook.after_val_epoch(runner, {})


def pictures(save_dir: Path):
    return sorted(save_dir.glob('vis_data/vis_image/*.png'))


def test_is_registered_in_the_pose_scope_and_off_by_default():
    hook = HOOKS.build(dict(type='PoseVisualizationHook'))
    assert isinstance(hook, PoseVisualizationHook) and not hook.enable


def test_first_images_every_interval_with_all_their_people(tmp_path):
    runner = FakeRunner(tmp_path)
    hook = PoseVisualizationHook(enable=True, interval=2, num_images=2)
    # Three images; the first has two people, split over two batches.
    batches = [[sample(IMAGES[0], 0), sample(IMAGES[1], 0)],
               [sample(IMAGES[0], 120), sample(IMAGES[2], 0)]]

    validate(hook, runner, batches)
    assert pictures(tmp_path) == []  # validation 1 of every 2: nothing drawn
    validate(hook, runner, batches)

    stems = [Path(p).stem for p in IMAGES[:2]]
    assert [p.name for p in pictures(tmp_path)] == sorted(f'val_{s}_10.png' for s in stems)
    picture = cv2.imread(str(pictures(tmp_path)[stems.index(stems[0])]))
    image = cv2.imread(IMAGES[0])
    height, width = image.shape[:2]
    band = picture.shape[0] - height
    assert picture.shape[1] == 2 * width + 4 and 10 < band < 60  # two panels, a caption band
    left, right = picture[band:, :width], picture[band:, width + 4:]
    color = META['keypoint_colors'][0][::-1]  # RGB -> BGR
    for offset in (0, 120):  # both people of the image
        # ground truth on the left, prediction (30 pixels lower) on the right, in the nose's
        # colour from the metainfo
        assert (left[100 + offset, 40] == color).all()
        assert (right[130 + offset, 40] == color).all()
        assert (right[100 + offset, 40] == image[100 + offset, 40]).all()


def test_unsure_predictions_are_faded_not_hidden(tmp_path):
    runner = FakeRunner(tmp_path)
    hook = PoseVisualizationHook(enable=True, num_images=1, faded_alpha=0.35)
    validate(hook, runner, [[sample(IMAGES[0], 0)]])

    picture = cv2.imread(str(pictures(tmp_path)[0]))
    image = cv2.imread(IMAGES[0]).astype(int)
    height, width = image.shape[:2]
    right = picture[picture.shape[0] - height:, width + 4:].astype(int)
    x_unsure, x_sure, y = 40 + 12 * 6, 40 + 12 * 5, 130
    unsure_color = META['keypoint_colors'][6][::-1].astype(int)
    faded = 0.35 * unsure_color + 0.65 * image[y, x_unsure]
    assert np.abs(right[y, x_unsure] - faded).max() <= 2
    assert (right[y, x_sure] == META['keypoint_colors'][5][::-1]).all()


def test_sizes_scale_with_the_image():
    assert scaled_sizes(480, 640) == (3, 2)
    assert scaled_sizes(1440, 1920) == (9, 6)
    assert scaled_sizes(120, 160) == (2, 1)


def test_disabled_hook_draws_nothing(tmp_path):
    runner = FakeRunner(tmp_path)
    validate(PoseVisualizationHook(), runner, [[sample(IMAGES[0], 0)]])
    assert pictures(tmp_path) == []


def test_rejects_a_zero_interval():
    with pytest.raises(ValueError, match='interval'):
        PoseVisualizationHook(interval=0)


def test_predicted_silhouettes_are_drawn_under_the_predicted_skeleton(tmp_path):
    """A mask model's samples carry pred_instances.masks: the right panel tints them in the
    person's colour; the ground-truth panel stays as it was."""
    runner = FakeRunner(tmp_path)
    hook = PoseVisualizationHook(enable=True, num_images=1)
    image = cv2.imread(IMAGES[0])
    height, width = image.shape[:2]
    people = [sample(IMAGES[0], 0), sample(IMAGES[0], 120)]
    for person, (y1, y2) in zip(people, [(60, 160), (180, 280)]):
        mask = np.zeros((1, height, width), bool)
        mask[0, y1:y2, 20:260] = True
        person.pred_instances.masks = mask
    validate(hook, runner, [people])

    picture = cv2.imread(str(pictures(tmp_path)[0]))
    band = picture.shape[0] - height
    left, right = picture[band:, :width].astype(int), picture[band:, width + 4:].astype(int)
    colors = person_colors([0, 1])
    for (y, x), color in zip([(80, 250), (200, 250)], colors):  # inside, off the skeleton
        tinted = 0.5 * image[y, x] + 0.5 * color[::-1]
        assert np.abs(right[y, x] - tinted).max() <= 1
        assert (left[y, x] == image[y, x]).all()
    assert (right[170, 250] == image[170, 250]).all()  # between the two masks
    assert (right[130, 40] == META['keypoint_colors'][0][::-1]).all()  # skeleton on top
