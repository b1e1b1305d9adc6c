"""LoadSegAnnotations: a missing or undecodable label map fails naming the file."""
import re
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmseg.registry import DATASETS, TRANSFORMS

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
    with pytest.raises(ValueError, match=rf"Label map '{re.escape(str(path))}' could not be "
                       r'decoded \(corrupt, truncated or not an image\)') as info:
        load(path, imdecode_backend=backend)
    assert info.value.__cause__ is not None  # the decoder's own error stays in the traceback


def test_missing_label_map_is_named(tmp_path):
    path = tmp_path / 'gone_labelTrainIds.png'
    with pytest.raises(FileNotFoundError, match=rf"Label map '{re.escape(str(path))}' does not "
                       'exist'):
        load(path)


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
    with pytest.raises(ValueError, match=rf"Label map '{re.escape(str(path))}' could not be "
                       'decoded'):
        DATASETS.build(dataset)[0]
