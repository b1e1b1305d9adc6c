"""tools/demo/pose_image.py draws the keypoints a pose model finds, one picture per image."""
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Dict, Tuple

import cv2
import numpy as np
import pytest
import torch

from pose.apis import init_model

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
SAMPLES = ROOT / 'data/samples/coco'
spec = importlib.util.spec_from_file_location('pose_image', ROOT / 'tools/demo/pose_image.py')
pose_image = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pose_image)

INPUT_W, INPUT_H, HEATMAP_W, HEATMAP_H = 192, 256, 48, 64
# Heatmap peaks (x, y) and scores of the 17 COCO keypoints. Left and right partners mirror each
# other and score the same, so the flip test (flip back, shift one pixel, average) keeps each
# peak where it is. Only the nose and the shoulders reach the default --kpt-thr of 0.3.
PEAKS = {0: (24, 32), 1: (21, 12), 3: (15, 12), 5: (18, 24), 7: (12, 36), 9: (6, 48),
         11: (20, 44), 13: (19, 54), 15: (18, 62)}
PEAKS.update({k + 1: (HEATMAP_W - x, y) for k, (x, y) in list(PEAKS.items()) if k})
SCORES = {k: 0.2 for k in PEAKS}
SCORES.update({0: 0.9, 5: 0.9, 6: 0.9})
VISIBLE = (0, 5, 6)
SHOULDERS = (5, 6)  # the only skeleton link between visible keypoints
RADIUS, THICKNESS = 3, 2  # draw_pose's defaults, as the demo uses them


def heatmaps() -> torch.Tensor:
    """(1, 17, 64, 48) Gaussians (sigma 2) of height SCORES[k] at PEAKS[k]."""
    ys, xs = torch.meshgrid(torch.arange(HEATMAP_H), torch.arange(HEATMAP_W), indexing='ij')
    maps = [SCORES[k] * torch.exp(-((xs - x)**2 + (ys - y)**2) / 8.) for k, (x, y) in
            sorted(PEAKS.items())]
    return torch.stack(maps)[None].float()


pytestmark = pytest.mark.usefixtures('one_thread')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory) -> Path:
    """The demo config's model, freshly initialised, saved as weights only."""
    path = tmp_path_factory.mktemp('ckpt') / 'model.pth'
    torch.save(dict(state_dict=init_model(str(CONFIG)).state_dict()), path)
    return path


@pytest.fixture
def known_heatmaps(monkeypatch) -> dict:
    """Make the demo's model predict :func:`heatmaps` for every person; the returned dict gets
    the model's ``dataset_meta`` (keypoint colours, skeleton) under 'meta'.

    An untrained network's heatmaps are flat, with maxima on the crop's border (outside the
    image when the whole image is the box); with known peaks the test knows where every keypoint
    belongs. The rest of the path (checkpoint loading, crops, flip test, decoding, drawing,
    writing) is the demo's own.
    """
    built = {}

    def init_with_known_heatmaps(*args, **kwargs):
        model = init_model(*args, **kwargs)
        model.head.forward = lambda feats: heatmaps().expand(len(feats[-1]), -1, -1, -1)
        built['meta'] = model.dataset_meta
        return model

    monkeypatch.setattr(pose_image, 'init_model', init_with_known_heatmaps)
    yield built
    assert 'meta' in built, 'the demo did not build its model with init_model'


@pytest.fixture
def images(tmp_path) -> Path:
    """Two sample images as PNG (lossless, so that untouched pixels compare equal), beside a
    file that is no image."""
    folder = tmp_path / 'images'
    folder.mkdir()
    for name, source in [('a.png', '000000000785.jpg'), ('b.png', '000000040083.jpg')]:
        cv2.imwrite(str(folder / name), cv2.imread(str(SAMPLES / source)))
    (folder / 'notes.txt').write_text('not an image')
    return folder


def run(monkeypatch, *args) -> None:
    monkeypatch.setattr(sys, 'argv', ['pose_image.py', *map(str, args)])
    pose_image.main()


def keypoints_in_image(box_xyxy) -> Dict[int, Tuple[float, float]]:
    """Where PEAKS land in the image for a person box: the box padded by 1.25 and grown to the
    model's 3:4 aspect ratio is the crop that the heatmap covers."""
    x1, y1, x2, y2 = box_xyxy
    w, h = (x2 - x1) * 1.25, (y2 - y1) * 1.25
    w, h = max(w, h * INPUT_W / INPUT_H), max(h, w * INPUT_H / INPUT_W)
    left, top = (x1 + x2 - w) / 2, (y1 + y2 - h) / 2
    return {k: (left + x * w / HEATMAP_W, top + y * h / HEATMAP_H) for k, (x, y) in PEAKS.items()}


def check_drawing(image_path: Path, out_path: Path, box_xyxy, colors: np.ndarray) -> None:
    """The picture has the image's size, and exactly the visible keypoints of the person in
    ``box_xyxy`` (and the link between the shoulders) are drawn on it, in their colours."""
    image, out = cv2.imread(str(image_path)), cv2.imread(str(out_path))
    assert out is not None and out.shape == image.shape
    painted = np.any(image != out, axis=-1)
    points = keypoints_in_image(box_xyxy)

    ys, xs = np.mgrid[:image.shape[0], :image.shape[1]]
    # Rounding to a pixel moves a centre by up to 0.7 px; anti-aliasing tints 1.5 px further.
    reach = RADIUS + 2.5
    allowed = np.zeros_like(painted)
    for k in VISIBLE:
        x, y = points[k]
        allowed |= (xs - x)**2 + (ys - y)**2 <= reach**2
        assert (out[round(y), round(x)] == colors[k][::-1]).all(), k  # BGR
    (ax, ay), (bx, _) = points[SHOULDERS[0]], points[SHOULDERS[1]]  # on one row
    allowed |= (np.abs(ys - ay) <= THICKNESS / 2 + 2) & (xs >= ax) & (xs <= bx)
    assert not (painted & ~allowed).any()
    for k in set(PEAKS) - set(VISIBLE):
        x, y = round(points[k][0]), round(points[k][1])
        if 0 <= x < image.shape[1] and 0 <= y < image.shape[0]:
            assert not painted[y, x], k


def test_one_picture_per_image_of_its_size(tmp_path, monkeypatch, checkpoint, known_heatmaps,
                                           images):
    out_dir = tmp_path / 'out'
    run(monkeypatch, CONFIG, checkpoint, '--input', images, '--out-dir', out_dir)

    assert sorted(p.name for p in out_dir.iterdir()) == ['a.png', 'b.png']
    colors = known_heatmaps['meta']['keypoint_colors']
    for name in ('a.png', 'b.png'):
        # Without detections the whole image is the person box.
        height, width = cv2.imread(str(images / name)).shape[:2]
        check_drawing(images / name, out_dir / name, (0, 0, width, height), colors)


def test_keypoints_below_the_threshold_are_not_drawn(tmp_path, monkeypatch, checkpoint,
                                                     known_heatmaps, images):
    out_dir = tmp_path / 'out'
    run(monkeypatch, CONFIG, checkpoint, '--input', images / 'a.png', '--out-dir', out_dir,
        '--kpt-thr', 0.95)

    assert [p.name for p in out_dir.iterdir()] == ['a.png']
    image, out = cv2.imread(str(images / 'a.png')), cv2.imread(str(out_dir / 'a.png'))
    assert np.array_equal(image, out)


def test_people_are_drawn_in_their_detected_boxes(tmp_path, monkeypatch, checkpoint,
                                                  known_heatmaps, images):
    kept, dropped = [100, 50, 120, 200], [420, 100, 100, 200]  # x, y, w, h
    ann_file, det_file = tmp_path / 'ann.json', tmp_path / 'dets.json'
    ann_file.write_text(json.dumps(dict(images=[dict(id=7, file_name='a.png'),
                                                dict(id=8, file_name='b.png')])))
    det_file.write_text(json.dumps([
        dict(image_id=7, category_id=1, bbox=kept, score=0.9),
        dict(image_id=7, category_id=1, bbox=dropped, score=0.2),
        dict(image_id=8, category_id=1, bbox=kept, score=0.2),
    ]))
    out_dir = tmp_path / 'out'
    run(monkeypatch, CONFIG, checkpoint, '--input', images, '--out-dir', out_dir,
        '--det-file', det_file, '--det-ann-file', ann_file, '--bbox-thr', 0.5)

    assert sorted(p.name for p in out_dir.iterdir()) == ['a.png', 'b.png']
    x, y, w, h = kept
    check_drawing(images / 'a.png', out_dir / 'a.png', (x, y, x + w, y + h),
                  known_heatmaps['meta']['keypoint_colors'])
    # b.png's only detection scores below --bbox-thr: the picture is written, nobody drawn.
    image, out = cv2.imread(str(images / 'b.png')), cv2.imread(str(out_dir / 'b.png'))
    assert np.array_equal(image, out)


def test_bad_input_is_named(tmp_path, monkeypatch, checkpoint, images):
    out_dir = tmp_path / 'out'
    missing = tmp_path / 'missing.png'
    with pytest.raises(FileNotFoundError, match=re.escape(f'input not found: {missing}')):
        run(monkeypatch, CONFIG, checkpoint, '--input', missing, '--out-dir', out_dir)

    ann_file, det_file = tmp_path / 'ann.json', tmp_path / 'no_dets.json'
    ann_file.write_text(json.dumps(dict(images=[dict(id=7, file_name='a.png')])))
    with pytest.raises(FileNotFoundError, match=re.escape(str(det_file))):
        run(monkeypatch, CONFIG, checkpoint, '--input', images / 'a.png', '--out-dir', out_dir,
            '--det-file', det_file, '--det-ann-file', ann_file)

    with pytest.raises(SystemExit):  # a detection file needs the annotations naming its images
        run(monkeypatch, CONFIG, checkpoint, '--input', images / 'a.png', '--out-dir', out_dir,
            '--det-file', det_file)

    corrupt = tmp_path / 'corrupt' / 'c.png'
    corrupt.parent.mkdir()
    corrupt.write_bytes(b'\x89PNG\r\n\x1a\n cut short')
    with pytest.raises(ValueError, match=re.escape(f'cannot read image {corrupt}')):
        run(monkeypatch, CONFIG, checkpoint, '--input', corrupt.parent, '--out-dir', out_dir)
