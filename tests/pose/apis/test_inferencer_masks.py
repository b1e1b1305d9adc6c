"""PoseInferencer with a multi-task model: each person's silhouette, in image pixels, in the frame
result (none from a pose-only model), drawn under the skeletons, and kept frame by frame only."""
import re
import weakref
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from pose.apis import PoseInferencer
from pose.visualization import person_colors

ROOT = Path(__file__).resolve().parents[3]
IMAGE = ROOT / 'data/samples/coco/000000000785.jpg'  # 425 x 640
POSE_CONFIG = str(ROOT / 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py')
MASK_CONFIG = str(ROOT / 'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py')
HEATMAP_W, HEATMAP_H = 48, 64
# The known silhouette on the heatmap grid: an ellipse about the crop's centre column (so the
# flip test keeps it), half-axes in heatmap pixels; and the nose's heatmap peak in it.
CENTER, AXES, NOSE = (23.5, 32.0), (14.0, 28.0), (24, 20)
BOXES = np.array([[100, 50, 300, 400], [400, 100, 520, 300]], np.float32)  # x1, y1, x2, y2


pytestmark = pytest.mark.usefixtures('one_thread')


def known_outputs(count: int):
    """(heatmaps (count, 17, 64, 48): the nose's Gaussian only, mask logits (count, 1, 64, 48):
    +10 inside the ellipse, -10 outside)."""
    ys, xs = torch.meshgrid(torch.arange(HEATMAP_H, dtype=torch.float32),
                            torch.arange(HEATMAP_W, dtype=torch.float32), indexing='ij')
    heatmaps = torch.zeros(count, 17, HEATMAP_H, HEATMAP_W)
    heatmaps[:, 0] = 0.9 * torch.exp(-((xs - NOSE[0])**2 + (ys - NOSE[1])**2) / 8.)
    inside = ((xs - CENTER[0]) / AXES[0])**2 + ((ys - CENTER[1]) / AXES[1])**2 <= 1
    logits = torch.where(inside, 10., -10.).expand(count, 1, -1, -1)
    return heatmaps, logits


@pytest.fixture(scope='module')
def mask_inferencer() -> PoseInferencer:
    """The multi-task demo config's model (untrained) predicting :func:`known_outputs`."""
    inferencer = PoseInferencer(MASK_CONFIG)
    model = inferencer.pose_model
    model.head.forward = lambda feats: known_outputs(len(feats[-1]))[0]
    model.mask_head.forward = lambda feats: known_outputs(len(feats[-1]))[1]
    return inferencer


def crop_of(box: np.ndarray):
    """(left, top, width, height) of the crop the model sees for ``box``: padded by 1.25 and
    grown to the input's 3:4 aspect ratio."""
    x1, y1, x2, y2 = box
    w, h = (x2 - x1) * 1.25, (y2 - y1) * 1.25
    w, h = max(w, h * 0.75), max(h, w / 0.75)
    return (x1 + x2 - w) / 2, (y1 + y2 - h) / 2, w, h


def test_each_persons_mask_is_their_silhouette_in_the_image(mask_inferencer):
    assert mask_inferencer.with_mask
    [result] = mask_inferencer(str(IMAGE), {IMAGE.name: BOXES})

    assert result.masks.shape == (2, 425, 640) and result.masks.dtype == bool
    for mask, box in zip(result.masks, BOXES):  # in the order of the boxes
        left, top, width, height = crop_of(box)
        ys, xs = np.nonzero(mask)
        # The ellipse's extent, mapped from the heatmap grid by the crop's scale.
        sx, sy = width / HEATMAP_W, height / HEATMAP_H
        assert abs(xs.min() - (left + (CENTER[0] - AXES[0]) * sx)) <= sx + 1
        assert abs(xs.max() - (left + (CENTER[0] + AXES[0]) * sx)) <= sx + 1
        assert abs(ys.min() - max(0, top + (CENTER[1] - AXES[1]) * sy)) <= sy + 1
        assert abs(ys.max() - min(424, top + (CENTER[1] + AXES[1]) * sy)) <= sy + 1
    records = result.coco_records()
    assert all(r['segmentation']['size'] == [425, 640] for r in records)


def test_the_silhouettes_are_drawn_under_the_skeletons(mask_inferencer):
    image = cv2.imread(str(IMAGE))
    [result] = mask_inferencer(image, {'image': BOXES[:1]}, draw=True, draw_mask=True)
    [plain] = mask_inferencer(image, {'image': BOXES[:1]}, draw=True)

    picture, mask = result.visualization.astype(int), result.masks[0]
    nose_x, nose_y = np.round(result.keypoints[0, 0]).astype(int)
    assert mask[nose_y, nose_x]
    nose_color = mask_inferencer.meta['keypoint_colors'][0][::-1]
    assert (picture[nose_y, nose_x] == nose_color).all()  # the keypoint is over the tint
    # Inside (off the outline and the nose): the image tinted in the person's colour.
    inside = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    tinted = 0.5 * image[inside] + 0.5 * person_colors([0])[0][::-1]
    away = np.hypot(*np.nonzero(inside)[::-1] - np.array([[nose_x], [nose_y]])) > 6
    assert away.sum() > 1000 and np.abs(picture[inside][away] - tinted[away]).max() <= 1
    # Outside: the picture drawn without masks.
    outside = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)) == 0
    assert np.array_equal(result.visualization[outside], plain.visualization[outside])


def test_a_frame_without_people_has_no_masks_of_its_size(mask_inferencer):
    [result] = mask_inferencer(str(IMAGE), {})
    assert result.masks.shape == (0, 425, 640) and result.coco_records() == []


def test_a_pose_only_model_returns_no_masks_and_refuses_to_draw_them():
    inferencer = PoseInferencer(POSE_CONFIG)
    assert not inferencer.with_mask
    [result] = inferencer(str(IMAGE), {IMAGE.name: BOXES})
    assert result.masks is None and 'segmentation' not in result.coco_records()[0]
    # At the call, before any frame is read (the input does not even exist).
    with pytest.raises(ValueError, match=re.escape(
            f'needs a pose model with a mask head, but {POSE_CONFIG} has none')):
        inferencer('no/such/video.mp4', draw=True, draw_mask=True)


def test_a_video_keeps_no_earlier_frames_masks(mask_inferencer, tmp_path):
    """Each frame's masks are freed once the next frame comes (only what tracking needs is
    carried over), so a long video with many people takes one frame's masks of memory."""
    path = tmp_path / 'clip.avi'
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), 10, (320, 240))
    for _ in range(4):
        writer.write(cv2.resize(cv2.imread(str(IMAGE)), (320, 240)))
    writer.release()

    earlier = []
    for result in mask_inferencer(str(path), draw=True, draw_mask=True):
        assert result.masks.shape == (1, 240, 320) and result.track_ids is not None
        assert all(ref() is None for ref in earlier), f'frame {result.index}'
        earlier += [weakref.ref(result.masks), weakref.ref(result.visualization)]
    assert len(earlier) == 8


def test_where_people_overlap_the_higher_scoring_one_shows(mask_inferencer):
    """A duplicate detection (the same person, a lower score, listed later) does not paint
    over the person."""
    image = cv2.imread(str(IMAGE))
    boxes = np.concatenate([BOXES[:1], BOXES[:1]], axis=0)
    colors = person_colors([0, 1])
    for scores, shown in [((0.9, 0.5), 0), ((0.5, 0.9), 1)]:
        given = np.concatenate([boxes, np.array(scores, np.float32)[:, None]], axis=1)
        [result] = mask_inferencer(image, {'image': given}, draw=True, draw_mask=True)
        y, x = 300, 200  # inside both silhouettes, away from the nose
        assert result.masks[:, y, x].all()
        tinted = 0.5 * image[y, x] + 0.5 * colors[shown][::-1]
        assert np.abs(result.visualization[y, x] - tinted).max() <= 1, scores
