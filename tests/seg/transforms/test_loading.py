"""LoadSegAnnotations and LoadImage: a missing or undecodable label map or image fails naming
the file; LoadImage(skip_corrupt=True) skips corrupt training images instead, counted."""
import re
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmseg.registry import DATASETS, TRANSFORMS

from engine import SkipCounter

ROOT = Path(__file__).resolve().parents[3]
LABEL = np.array([[0, 1, 2, 255], [18, 7, 7, 0]], np.uint8)


def step(**kwargs):
    return TRANSFORMS.build(dict(type='LoadSegAnnotations', **kwargs))


def load(path: Path, **kwargs) -> dict:
    """Run the step on a sample whose label map is ``path``, as mmseg's dataset lists it."""
    return step(**kwargs)(dict(seg_map_path=str(path), seg_fields=[], reduce_zero_label=False))


def write_label(path: Path, label: np.ndarray = LABEL) -> Path:
    Image.fromarray(label).save(path)
    return path


def truncate(path: Path, keep: float = 0.5) -> Path:
    """Cut the file as a killed writer would leave it."""
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


def test_loads_like_mmseg(tmp_path):
    path = write_label(tmp_path / 'a_labelTrainIds.png')
    ours = load(path)
    theirs = TRANSFORMS.build(dict(type='LoadAnnotations'))(
        dict(seg_map_path=str(path), seg_fields=[], reduce_zero_label=False))
    np.testing.assert_array_equal(ours['gt_seg_map'], LABEL)
    np.testing.assert_array_equal(ours['gt_seg_map'], theirs['gt_seg_map'])
    assert ours['seg_fields'] == ['gt_seg_map']


@pytest.mark.parametrize('backend', ['pillow', 'cv2'])
@pytest.mark.parametrize('damage', ['truncated', 'header only', 'empty', 'not an image'])
def test_undecodable_label_map_is_named(tmp_path, backend, damage):
    # A label big enough that half of its PNG stream cuts through the image data.
    label = np.random.default_rng(0).integers(0, 19, (64, 96), dtype=np.uint8)
    path = write_label(tmp_path / 'frame_gtFine_labelTrainIds.png', label)
    if damage == 'truncated':
        truncate(path)
    elif damage == 'header only':
        truncate(path, keep=0.1)
    elif damage == 'empty':
        path.write_bytes(b'')
    else:
        path.write_text('{"objects": []}')
    with pytest.raises(ValueError, match=rf"Label map '{re.escape(str(path))}'") as info:
        load(path, imdecode_backend=backend)
    assert 'could not be decoded' in str(info.value)
    if backend == 'pillow':  # cv2 raises nothing: it returns None
        assert info.value.__cause__ is not None  # the decoder's own error stays in the traceback


@pytest.mark.parametrize('reduce_zero_label, label_map', [(True, None), (False, {7: 3, 18: 255})])
def test_reduce_zero_label_and_label_map_as_mmseg(tmp_path, reduce_zero_label, label_map):
    path = write_label(tmp_path / 'a.png')
    sample = dict(seg_map_path=str(path), seg_fields=[], reduce_zero_label=reduce_zero_label,
                  label_map=label_map)
    ours = step()(dict(sample))
    theirs = TRANSFORMS.build(dict(type='LoadAnnotations'))(dict(sample))
    assert ours['gt_seg_map'].dtype == np.uint8
    np.testing.assert_array_equal(ours['gt_seg_map'], theirs['gt_seg_map'])


def test_a_16_bit_label_map_is_read_at_its_depth(tmp_path):
    path = tmp_path / 'wide.png'
    Image.fromarray(LABEL.astype(np.uint16)).save(path)
    np.testing.assert_array_equal(load(path)['gt_seg_map'], LABEL)  # ids that fit: as 8-bit
    wide = LABEL.astype(np.uint16)
    wide[0, 0], wide[1, 1] = 261, 1000  # mmseg's uint8 cast: class 5 and 232
    Image.fromarray(wide).save(path)
    for backend in ('pillow', 'cv2'):
        with pytest.raises(ValueError, match=re.escape(f"Label map '{path}' (uint16) holds ids "
                                                       '[261, 1000]')):
            load(path, imdecode_backend=backend)


def test_a_label_map_with_colours_is_named(tmp_path):
    path = tmp_path / 'rgb.png'
    Image.fromarray(np.zeros((4, 5, 3), np.uint8)).save(path)
    with pytest.raises(ValueError, match=re.escape(f"Label map '{path}' has shape (4, 5, 3)")):
        load(path)


def test_missing_label_map_is_named(tmp_path):
    path = tmp_path / 'gone_labelTrainIds.png'
    with pytest.raises(FileNotFoundError, match=rf"Label map '{re.escape(str(path))}'") as info:
        load(path)
    assert 'does not exist' in str(info.value)


def test_reduce_zero_label_mismatch_stays_mmseg_s_error(tmp_path):
    # A configuration error, not a bad file: not reworded as a decoding failure.
    path = write_label(tmp_path / 'a.png')
    with pytest.raises(AssertionError, match='reduce_zero_label'), \
            pytest.warns(UserWarning, match='`reduce_zero_label` will be deprecated'):
        load(path, reduce_zero_label=True)


def test_sample_without_label_passes():
    # What mmseg's inference_model feeds the test pipeline: it removes only 'LoadAnnotations'.
    sample = dict(img_path='x.png', ori_shape=(4, 4))
    assert step()(dict(sample)) == sample


@pytest.mark.parametrize('config', ['configs/seg/_base_/datasets/cityscapes.py',
                                    'configs/seg/demo/fcn_litehrnet-18_cityscapes-sample.py',
                                    'configs/seg/_base_/datasets/ade20k.py',
                                    'configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py'])
def test_configs_load_labels_with_it(config):
    cfg = Config.fromfile(str(ROOT / config))
    for pipeline in (cfg.train_pipeline, cfg.test_pipeline):
        types = [step['type'] for step in pipeline]
        assert 'LoadSegAnnotations' in types and 'LoadAnnotations' not in types, types


@pytest.mark.parametrize('which', ['train', 'val'])
def test_real_pipeline_names_a_truncated_label_map(which, tmp_path, cityscapes_root,
                                                   writable_copy):
    root = writable_copy(cityscapes_root, tmp_path / 'cs')
    path = truncate(next(root.rglob('*_labelTrainIds.png')))
    cfg = Config.fromfile(str(ROOT / 'configs/seg/_base_/datasets/cityscapes.py'))
    dataset = (cfg.train_dataloader if which == 'train' else cfg.val_dataloader).dataset
    dataset.dataset.update(data_root=str(root), data_prefix=dict(
        img_path='leftImg8bit/val', seg_map_path='gtFine/val'))
    with pytest.raises(ValueError, match=rf"Label map '{re.escape(str(path))}'") as info:
        DATASETS.build(dataset)[0]
    assert 'could not be decoded' in str(info.value)


def load_image(path: Path, **kwargs):
    return TRANSFORMS.build(dict(type='LoadImage', **kwargs))(dict(img_path=str(path)))


def corrupt_image(path: Path) -> Path:
    path.write_bytes(b'\xff\xd8\xff\xe0 truncated by a failed copy')
    return path


@pytest.mark.parametrize('backend', ['cv2', 'pillow'])
def test_load_image_loads_like_mmcv(ade_root, backend):
    path = next((ade_root / 'images/validation').glob('*.jpg'))
    ours = load_image(path, imdecode_backend=backend)
    theirs = TRANSFORMS.build(dict(type='LoadImageFromFile', imdecode_backend=backend))(
        dict(img_path=str(path)))
    np.testing.assert_array_equal(ours['img'], theirs['img'])
    assert ours['img_shape'] == ours['ori_shape'] == theirs['ori_shape']


@pytest.mark.parametrize('backend', ['cv2', 'pillow'])
def test_load_image_names_an_undecodable_or_missing_image(tmp_path, backend):
    path = corrupt_image(tmp_path / 'frame.jpg')
    with pytest.raises(ValueError, match=rf"Image file '{re.escape(str(path))}'") as info:
        load_image(path, imdecode_backend=backend)
    assert 'could not be decoded' in str(info.value)
    missing = tmp_path / 'gone.jpg'
    with pytest.raises(FileNotFoundError,
                       match=rf"Image file '{re.escape(str(missing))}'") as info:
        load_image(missing, skip_corrupt=True)  # a wrong path is never skipped
    assert 'does not exist' in str(info.value)


def test_skip_corrupt_returns_none_and_counts(tmp_path):
    step = TRANSFORMS.build(dict(type='LoadImage', skip_corrupt=True))
    path = corrupt_image(tmp_path / 'frame.jpg')
    assert step(dict(img_path=str(path))) is None
    assert step(dict(img_path=str(path))) is None
    assert step.skipped == 2
    assert 'corrupt images (LoadImage skip_corrupt=True)' in [
        counter.reason for counter in SkipCounter.live()]
    assert 'skip_corrupt=True' in repr(step)


def test_training_dataset_replaces_a_skipped_image(tmp_path, ade_root, writable_copy):
    """Through the configs' CheckedDataset wrapper: mmengine's BaseDataset refetches another
    sample when the pipeline returns None (in training; a test-mode dataset raises)."""
    root = writable_copy(ade_root, tmp_path / 'ade')
    corrupt = corrupt_image(next((root / 'images/validation').glob('*.jpg')))
    cfg = Config.fromfile(str(ROOT / 'configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py'))
    dataset_cfg = cfg.train_dataloader.dataset
    assert dataset_cfg.dataset.pipeline[0].type == 'LoadImage'
    dataset_cfg.dataset.update(data_root=str(root))
    dataset_cfg.dataset.pipeline[0].skip_corrupt = True
    dataset = DATASETS.build(dataset_cfg)
    index = next(i for i in range(len(dataset))
                 if dataset.get_data_info(i)['img_path'] == str(corrupt))
    sample = dataset[index]
    assert sample['data_samples'].img_path != str(corrupt)
    assert dataset.dataset.pipeline.transforms[0].skipped >= 1
