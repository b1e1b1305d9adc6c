"""CheckSegLabel: bad label maps fail with the file's name (or are cleaned when asked)."""
import re
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmseg.registry import DATASETS, TRANSFORMS
from seg.transforms import check_seg_label

ROOT = Path(__file__).resolve().parents[3]


def results(label: np.ndarray, image_hw=None, **extra) -> dict:
    return dict(gt_seg_map=label, ori_shape=image_hw or label.shape, seg_map_path='x_label.png',
                img_path='x.png', **extra)


def check(**kwargs):
    return TRANSFORMS.build(dict(type='CheckSegLabel', num_classes=19, **kwargs))


def test_valid_ids_and_ignore_pass_unchanged():
    label = np.array([[0, 18], [255, 7]], np.uint8)
    out = check()(results(label.copy()))
    np.testing.assert_array_equal(out['gt_seg_map'], label)


def test_sample_without_label_passes():
    # mmseg's inference_model drops LoadAnnotations from the test pipeline.
    assert check()(dict(img_path='x.png', ori_shape=(4, 4))) == dict(img_path='x.png',
                                                                      ori_shape=(4, 4))


def test_out_of_range_id_names_the_file():
    label = np.array([[0, 200], [19, 255]], np.uint8)
    with pytest.raises(ValueError, match=r'x_label\.png: label ids \[19, 200\]') as error:
        check()(results(label))
    assert '19 classes 0..18' in str(error.value)


def test_out_of_range_mentions_reduce_zero_label():
    with pytest.raises(ValueError, match='after reduce_zero_label'):
        TRANSFORMS.build(dict(type='CheckSegLabel', num_classes=150))(
            results(np.array([[199]], np.uint8), reduce_zero_label=True))


def test_out_of_range_can_be_ignored(monkeypatch):
    logged = []
    monkeypatch.setattr(check_seg_label, 'print_log', lambda msg, **kw: logged.append(msg))
    label = np.array([[0, 200], [19, 255]], np.uint8)
    transform = check(out_of_range='ignore')
    out = transform(results(label))
    transform(results(label))
    assert len(logged) == 1 and logged[0].startswith('x_label.png: label ids [19, 200]')
    np.testing.assert_array_equal(out['gt_seg_map'], [[0, 255], [255, 255]])
    assert out['gt_seg_map'].dtype == np.uint8


def test_size_mismatch_names_the_file():
    with pytest.raises(ValueError, match=r'x_label\.png: label map is 2x3 \(HxW\)') as error:
        check()(results(np.zeros((2, 3), np.uint8), image_hw=(4, 6)))
    assert ' x.png is 4x6' in str(error.value)  # the image and its size


def test_rejects_unknown_mode():
    with pytest.raises(ValueError, match='out_of_range'):
        check(out_of_range='clip')


def _sample_dataset(data_root, which: str):
    """The split of the real config's Cityscapes pipeline ``which`` on ``data_root``."""
    cfg = Config.fromfile(str(ROOT / 'configs/seg/_base_/datasets/cityscapes.py'))
    dataset = cfg.train_dataloader.dataset if which == 'train' else cfg.val_dataloader.dataset
    dataset.dataset.data_root = str(data_root)
    dataset.dataset.data_prefix = dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')
    return DATASETS.build(dataset)


def _edit_label(root, edit) -> str:
    path = next(root.rglob('*_labelTrainIds.png'))
    Image.fromarray(edit(np.array(Image.open(path)))).save(path)
    return str(path)


@pytest.mark.parametrize('which', ['train', 'val'])
def test_real_pipeline_stops_on_id_200(which, tmp_path, cityscapes_root, writable_copy):
    root = writable_copy(cityscapes_root, tmp_path / 'cs')

    def add_200(label):
        label[10:12, 20:22] = 200
        return label

    path = _edit_label(root, add_200)
    dataset = _sample_dataset(root, which)
    with pytest.raises(ValueError, match=rf'{path}: label ids \[200\]'):
        dataset[0]


@pytest.mark.parametrize('which', ['train', 'val'])
def test_real_pipeline_stops_on_size_mismatch(which, tmp_path, cityscapes_root, writable_copy):
    root = writable_copy(cityscapes_root, tmp_path / 'cs')
    path = _edit_label(root, lambda label: label[:100])
    dataset = _sample_dataset(root, which)
    with pytest.raises(ValueError, match=rf'{path}: label map is 100x256 \(HxW\)') as error:
        dataset[0]
    assert re.search(r'_leftImg8bit\.png is 128x256', str(error.value))
