"""tools/misc/browse_dataset.py draws pose and segmentation samples as the pipeline makes them
(or as loaded), with the dataset's own colours, and names what it wrote."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools/misc/browse_dataset.py'
spec = importlib.util.spec_from_file_location('browse_dataset', TOOL)
browse_dataset = importlib.util.module_from_spec(spec)
spec.loader.exec_module(browse_dataset)

POSE = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
SEG = 'configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py'


def dataset(config: str, phase: str = 'train'):
    return browse_dataset.build_dataset(Config.fromfile(str(ROOT / config)), phase)


def visible_points(keypoints: np.ndarray, visible: np.ndarray, shape) -> dict:
    """Keypoint index -> rounded (x, y) of the visible keypoints inside an image of
    ``shape``."""
    points = {}
    for k, (x, y) in enumerate(np.round(keypoints).astype(int)):
        if visible[k] > 0 and 0 <= x < shape[1] and 0 <= y < shape[0]:
            points[k] = (x, y)
    return points


@pytest.fixture(scope='module')
def pose_dataset():
    return dataset(POSE)


def test_pose_crop_shows_its_keypoints_and_their_summed_targets(pose_dataset):
    whole, inner = pose_dataset
    np.random.seed(0)
    results, _ = browse_dataset.run_pipeline(inner, 0, 'transformed')
    crop = browse_dataset.as_image(results['img'])
    assert crop.shape == (256, 192, 3)  # the network's input, not the photo

    picture = browse_dataset.draw_pose_sample(results, whole.metainfo, 'transformed', 'x')

    band = picture.shape[0] - 256
    assert picture.shape[1] == 2 * 192 + 4 and band > 0
    skeleton, targets = picture[band:, :192], picture[band:, 196:]
    points = visible_points(results['transformed_keypoints'][0],
                            results['keypoints_visible'][0], crop.shape)
    assert len(points) >= 5
    colors = whole.metainfo['keypoint_colors'][:, ::-1]
    drawn = [k for k, (x, y) in points.items() if (skeleton[y, x] == colors[k]).all()]
    assert len(drawn) >= len(points) - 2  # a later keypoint may cover an earlier one
    # The targets (1 at each keypoint) coloured over the crop, darkened to half where they
    # are 0 (the top-left corner, far from every keypoint).
    darkened = crop.astype(int) // 2
    for x, y in points.values():
        assert np.abs(targets[y, x].astype(int) - darkened[y, x]).max() > 30, (x, y)
    assert np.abs(targets[2, 2].astype(int) - darkened[2, 2]).max() <= 1


def test_flip_and_half_body_are_named(pose_dataset):
    whole, inner = pose_dataset
    seen = set()
    for seed in range(12):
        np.random.seed(seed)
        results, applied = browse_dataset.run_pipeline(inner, 1, 'transformed')
        assert ('flipped' in applied) == bool(results['flip'])
        seen.update(applied)
    assert 'flipped' in seen


def test_pose_original_shows_the_box_and_keypoints_on_the_photo(pose_dataset):
    whole, inner = pose_dataset
    results, applied = browse_dataset.run_pipeline(inner, 0, 'original')
    assert applied == [] and 'transformed_keypoints' not in results
    image = results['img']

    picture = browse_dataset.draw_pose_sample(results, whole.metainfo, 'original', 'x')

    band = picture.shape[0] - image.shape[0]
    assert picture.shape[1] == image.shape[1] and band > 0
    drawn = picture[band:]
    x1, y1, x2, y2 = np.round(results['bbox'][0]).astype(int)
    assert (drawn[(y1 + y2) // 2, x1] == (0, 255, 0)).all()
    changed = np.any(drawn != image, axis=-1)
    for x, y in visible_points(results['keypoints'][0], results['keypoints_visible'][0],
                               image.shape).values():
        assert changed[y, x]


def test_seg_labels_painted_with_the_palette_and_ignored_pixels_striped():
    labels = np.array([[0, 1, 255, 255, 255, 255, 255, 255, 255]] * 9, dtype=np.uint8)
    image = np.full((9, 9, 3), 100, np.uint8)
    meta = dict(palette=[[255, 0, 0], [0, 0, 255]])

    picture = browse_dataset.draw_seg_sample(dict(img=image, gt_seg_map=labels), meta, 255,
                                             'x')

    drawn = picture[picture.shape[0] - 9:]
    assert (drawn[0, 0] == (50, 50, 177)).all()  # half image, half red (BGR)
    assert (drawn[0, 1] == (177, 50, 50)).all()
    ignored = drawn[:, 2:].reshape(-1, 3)
    assert set(map(tuple, ignored)) == {(0, 0, 0), (255, 255, 255)}


def test_seg_dataset_through_its_pipeline():
    whole, inner = dataset(SEG)
    np.random.seed(0)
    results, _ = browse_dataset.run_pipeline(inner, 0, 'transformed')
    labels = results['gt_seg_map']
    assert results['img'].shape[:2] == labels.shape  # crop and label map augmented together

    picture = browse_dataset.draw_seg_sample(results, whole.metainfo, inner.ignore_index, 'x')

    assert picture.shape[1] == labels.shape[1]
    drawn = picture[picture.shape[0] - labels.shape[0]:]
    labelled = labels != inner.ignore_index
    assert labelled.any()
    assert np.any(drawn[labelled] != browse_dataset.as_image(results['img'])[labelled], axis=-1)\
        .mean() > 0.9


def run_tool(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=240)


@pytest.mark.subprocess
def test_cli_names_every_picture(tmp_path):
    out = tmp_path / 'browse'
    result = run_tool(POSE, '--num', '2', '--out-dir', out)

    assert result.returncode == 0, result.stdout[-3000:]
    written = sorted(out.glob('*.png'))
    assert [p.name for p in written] == ['0000_000000000785.png', '0001_000000040083.png']
    for path in written:
        assert f'wrote {path}' in result.stdout
        assert cv2.imread(str(path)).shape == (cv2.imread(str(written[0]))).shape


@pytest.mark.subprocess
def test_cli_names_a_missing_dataloader(tmp_path):
    config = tmp_path / 'no_val.py'
    config.write_text(f"_base_ = ['{ROOT / POSE}']\nval_dataloader = None\n")

    result = run_tool(config, '--phase', 'val', '--out-dir', tmp_path)

    assert result.returncode == 2
    assert f'{config}' in result.stdout and 'has no val_dataloader' in result.stdout
