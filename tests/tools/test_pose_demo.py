"""tools/demo/pose_demo.py: people found by a detector (or given as boxes, or the whole frame),
their keypoints drawn on every image and video frame, saved as pictures, a video and COCO json."""
import importlib.util
import json
import os
import re
import sys
from pathlib import Path
from typing import Dict, Tuple

import cv2
import numpy as np
import pytest
import torch

import pose.apis.inferencer
from engine.runtimes import fastest_backend
from pose.apis import init_model

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
SAMPLES = ROOT / 'data/samples/coco'
spec = importlib.util.spec_from_file_location('pose_demo', ROOT / 'tools/demo/pose_demo.py')
pose_demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pose_demo)

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

    monkeypatch.setattr(pose.apis.inferencer, 'init_model', init_with_known_heatmaps)
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
    """The demo with ``args``; in PyTorch unless a backend is given (the known heatmaps replace
    the PyTorch head's forward)."""
    backend = [] if '--backend' in args else ['--backend', 'pytorch']
    monkeypatch.setattr(sys, 'argv', ['pose_demo.py', *map(str, args), *backend])
    pose_demo.main()


def test_the_default_backend_is_the_fastest_installed(monkeypatch):
    monkeypatch.setattr(sys, 'argv', ['pose_demo.py', 'cfg.py', 'ckpt.pth', '--input', 'x.jpg',
                                      '--out-dir', 'out'])
    assert pose_demo.parse_args().backend == 'auto'
    assert fastest_backend() == 'openvino'  # installed by make install


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


def test_a_folder_with_bad_files_still_gives_the_rest(tmp_path, monkeypatch, capsys, checkpoint,
                                                      images):
    (images / 'c.png').write_bytes(b'\x89PNG\r\n\x1a\n cut short')
    (images / 'd.jpg').write_bytes(b'')
    os.mkfifo(images / 'e.jpg')  # would block a reader forever
    out_dir = tmp_path / 'out'
    run(monkeypatch, CONFIG, checkpoint, '--input', images, '--out-dir', out_dir, '--save-json')

    assert sorted(p.name for p in out_dir.iterdir()) == ['a.png', 'b.png', 'images.keypoints.json']
    assert len(json.loads((out_dir / 'images.keypoints.json').read_text())) == 2
    err = capsys.readouterr().err
    for name, why in (('c.png', 'not an image'), ('d.jpg', 'empty file'),
                      ('e.jpg', 'not a regular file')):  # each file, and why, on its line
        assert re.search(rf'^skipped {re.escape(str(images / name))}: .*{why}', err, re.M), name
    assert 'skipped 3 of 5 images' in err


def test_no_output_replaces_an_input(tmp_path, monkeypatch, checkpoint, images):
    photo = images / 'a.png'
    before = photo.read_bytes()
    with pytest.raises(ValueError, match=re.escape(f'it is the input {photo}')):
        run(monkeypatch, CONFIG, checkpoint, '--input', photo, '--out-dir', images)
    with pytest.raises(ValueError, match='refusing to write'):
        run(monkeypatch, CONFIG, checkpoint, '--input', images, '--out-dir', images / '.')
    assert photo.read_bytes() == before and sorted(p.name for p in images.iterdir()) == [
        'a.png', 'b.png', 'notes.txt']


def test_a_failed_write_is_an_error_not_a_wrote(tmp_path, monkeypatch, capsys, checkpoint,
                                                images, video):
    out_dir = tmp_path / 'out'
    (out_dir / 'a.png').mkdir(parents=True)  # where the picture should go
    with pytest.raises(OSError, match=re.escape(f'cannot write image {out_dir / "a.png"}')):
        run(monkeypatch, CONFIG, checkpoint, '--input', images / 'a.png', '--out-dir', out_dir)
    (out_dir / 'clip_pose.mp4').mkdir()
    with pytest.raises(OSError, match=re.escape(f'cannot write video {out_dir}/clip_pose.mp4')):
        run(monkeypatch, CONFIG, checkpoint, '--input', video, '--out-dir', out_dir)
    assert 'wrote' not in capsys.readouterr().out


@pytest.mark.parametrize('content, facts', [  # what the message names, in its order
    ({'image_id': 7}, ('detection #0 lacks bbox, score',)),
    ([{'image_id': 123456, 'bbox': [1, 2, 3, 4], 'score': 0.9}],
     ('detection #0', 'image_id 123456', 'annotation file')),
    ([{'image_id': 7, 'bbox': [1, 2, 3], 'score': 0.9}], ('detection #0 has bbox [1, 2, 3]',)),
    ([{'image_id': 7, 'bbox': [1, 2, 3, 4]}], ('detection #0 lacks score',)),
    ('not json', ('not valid json',)),
])
def test_a_bad_detection_file_is_named(tmp_path, monkeypatch, checkpoint, images, content,
                                       facts):
    ann_file, det_file = tmp_path / 'ann.json', tmp_path / 'dets.json'
    ann_file.write_text(json.dumps(dict(images=[dict(id=7, file_name='a.png')])))
    det_file.write_text(content if isinstance(content, str) else json.dumps(content))
    if isinstance(content, dict):
        facts = ('list of detections', 'got a dict')
    with pytest.raises(ValueError, match='.*'.join(map(re.escape, (f'{det_file}: ', *facts)))):
        run(monkeypatch, CONFIG, checkpoint, '--input', images / 'a.png', '--out-dir',
            tmp_path / 'out', '--det-file', det_file, '--det-ann-file', ann_file)


NANO = ROOT / 'configs/det/rtmdet_nano_320-8xb32_coco-person.py'
VIDEO_FPS, VIDEO_SIZE = 12.0, (320, 240)


@pytest.fixture
def video(tmp_path) -> Path:
    """6 frames (320x240, 12 fps, MJPG) made of the sample images, in turn."""
    path = tmp_path / 'clip.avi'
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), VIDEO_FPS, VIDEO_SIZE)
    images = sorted(SAMPLES.glob('*.jpg'))
    for index in range(6):
        writer.write(cv2.resize(cv2.imread(str(images[index % 4])), VIDEO_SIZE))
    writer.release()
    return path


def read_video(path: Path) -> Tuple[int, Tuple[int, int], float]:
    """Frames read, (width, height) and frame rate of a video file."""
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames, size = 0, None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames, size = frames + 1, (frame.shape[1], frame.shape[0])
    capture.release()
    return frames, size, fps


@pytest.mark.slow
def test_a_video_gives_a_video_and_one_record_per_person_per_frame(
        tmp_path, monkeypatch, capsys, checkpoint, known_box_detector_checkpoint, video):
    out_dir = tmp_path / 'out'
    run(monkeypatch, CONFIG, checkpoint, '--input', video, '--out-dir', out_dir, '--save-json',
        '--det-config', NANO, '--det-checkpoint', known_box_detector_checkpoint,
        '--max-people', 2, '--det-interval', 1)

    assert read_video(out_dir / 'clip_pose.mp4') == (6, VIDEO_SIZE, VIDEO_FPS)
    records = json.loads((out_dir / 'clip.keypoints.json').read_text())
    assert [r['image_id'] for r in records] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    for record in records:
        assert record['category_id'] == 1 and len(record['keypoints']) == 17 * 3
        x, y, w, h = record['bbox']
        assert 0 <= x and 0 <= y and x + w <= VIDEO_SIZE[0] + 1e-3 and y + h <= VIDEO_SIZE[1]
        assert 'track_id' in record
    out = capsys.readouterr().out
    # The time split at the end.
    assert re.search(r'6 frames in [\d.]+ s \([\d.]+ fps\): decode [\d.]+ s \(\d+%\), '
                     r'detection [\d.]+ s \(\d+%\), pose [\d.]+ s \(\d+%\), drawing', out)


@pytest.mark.slow
def test_without_a_detector_a_video_frame_is_one_person(tmp_path, monkeypatch, checkpoint,
                                                        video):
    out_dir = tmp_path / 'out'
    run(monkeypatch, CONFIG, checkpoint, '--input', video, '--out-dir', out_dir, '--save-json',
        '--smooth', '--backend', 'deploy')

    assert read_video(out_dir / 'clip_pose.mp4') == (6, VIDEO_SIZE, VIDEO_FPS)
    records = json.loads((out_dir / 'clip.keypoints.json').read_text())
    assert [r['image_id'] for r in records] == list(range(6))
    assert all(r['bbox'] == [0, 0, *VIDEO_SIZE] for r in records)


def test_image_records_take_the_annotation_file_ids(tmp_path, monkeypatch, checkpoint, images):
    ann_file, det_file = tmp_path / 'ann.json', tmp_path / 'dets.json'
    ann_file.write_text(json.dumps(dict(images=[dict(id=7, file_name='a.png'),
                                                dict(id=8, file_name='b.png')])))
    det_file.write_text(json.dumps([dict(image_id=8, category_id=1, bbox=[1, 2, 30, 40],
                                         score=0.9)]))
    out_dir = tmp_path / 'out'
    run(monkeypatch, CONFIG, checkpoint, '--input', images, '--out-dir', out_dir, '--save-json',
        '--det-file', det_file, '--det-ann-file', ann_file)

    [record] = json.loads((out_dir / 'images.keypoints.json').read_text())
    assert record['image_id'] == 8 and record['bbox'] == [1, 2, 30, 40]


@pytest.mark.slow
def test_bad_video_inputs_are_named(tmp_path, monkeypatch, checkpoint):
    out_dir = tmp_path / 'out'
    corrupt = tmp_path / 'corrupt.mp4'
    corrupt.write_bytes(b'\x00\x00\x00\x18ftypmp42 not really a video')
    with pytest.raises(ValueError, match=re.escape(f'cannot open video {corrupt}')):
        run(monkeypatch, CONFIG, checkpoint, '--input', corrupt, '--out-dir', out_dir)
    with pytest.raises(ValueError, match=re.escape('cannot open webcam 99')):
        run(monkeypatch, CONFIG, checkpoint, '--input', 'webcam:99', '--out-dir', out_dir)
    with pytest.raises(ValueError, match='not a detector') as error:
        run(monkeypatch, CONFIG, checkpoint, '--input', SAMPLES / '000000000785.jpg',
            '--out-dir', out_dir, '--det-config', CONFIG)
    assert str(error.value).startswith(f'{CONFIG} ')
    other = tmp_path / 'litehrnet30.pth'
    torch.save(dict(state_dict=init_model(
        str(ROOT / 'configs/pose/lite_hrnet/coco/litehrnet_30_coco_256x192.py')).state_dict()),
        other)
    with pytest.raises(RuntimeError, match=re.escape(f'checkpoint {other} does not fit')):
        run(monkeypatch, CONFIG, other, '--input', SAMPLES / '000000000785.jpg', '--out-dir',
            out_dir)


@pytest.mark.parametrize('det_config', [NANO, ROOT / 'configs/det/demo/'
                                        'rtmdet_litehrnet-18-hrfpn_coco-person-sample.py'])
def test_a_detector_without_local_weights_is_an_error_not_a_download(
        tmp_path, monkeypatch, checkpoint, det_config):
    """NANO's load_from is a URL, the sample detector's config names none: either way the demo
    says what to pass, before any model is built or anything downloaded."""
    monkeypatch.setattr(pose.apis.inferencer, 'init_model', None)  # never reached
    with pytest.raises(SystemExit, match='needs --det-checkpoint') as error:
        run(monkeypatch, CONFIG, checkpoint, '--input', SAMPLES / '000000000785.jpg',
            '--out-dir', tmp_path / 'out', '--det-config', det_config)
    assert 'make demo-detector' in str(error.value)


def test_whole_frame_mode_warns_and_the_backend_is_named(tmp_path, monkeypatch, capsys,
                                                         checkpoint, known_heatmaps):
    run(monkeypatch, CONFIG, checkpoint, '--input', SAMPLES / '000000000785.jpg', '--out-dir',
        tmp_path / 'out')
    printed = capsys.readouterr()
    assert 'each frame is taken as one person' in printed.err
    assert 'pose model backend: pytorch\n' in printed.out
