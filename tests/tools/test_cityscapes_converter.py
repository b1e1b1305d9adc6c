"""tools/dataset_converters/cityscapes.py draws polygon files into the expected train ids."""
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location(
    'cityscapes_converter', ROOT / 'tools/dataset_converters/cityscapes.py')
converter = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = converter  # the worker processes find convert_one by module name
spec.loader.exec_module(converter)

H, W = 8, 12
# Drawn in order, later objects over earlier ones; PIL fills polygons including their border.
OBJECTS = [
    {'label': 'road', 'polygon': [[0, 4], [11, 4], [11, 7], [0, 7]]},
    {'label': 'car', 'polygon': [[2, 5], [5, 5], [5, 6], [2, 6]]},
    {'label': 'cargroup', 'polygon': [[8, 0], [10, 0], [10, 1], [8, 1]]},  # "group" -> car
    {'label': 'license plate', 'polygon': [[0, 0], [3, 0], [3, 1], [0, 1]]},  # id -1: skipped
    {'label': 'ego vehicle', 'polygon': [[6, 2], [7, 2], [7, 3], [6, 3]]},  # no train id: 255
]


def expected_train_ids() -> np.ndarray:
    label = np.full((H, W), 255, np.uint8)  # unlabeled
    label[4:8, 0:12] = 0  # road
    label[5:7, 2:6] = 13  # car
    label[0:2, 8:11] = 13  # cargroup
    return label


def write_frame(root: Path, split: str, city: str, frame: str, objects=OBJECTS) -> Path:
    folder = root / 'gtFine' / split / city
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{city}_{frame}_gtFine_polygons.json'
    path.write_text(json.dumps(dict(imgHeight=H, imgWidth=W, objects=objects)))
    return path


def run(monkeypatch, *args: str) -> None:
    monkeypatch.setattr(sys, 'argv', ['cityscapes.py', *args])
    converter.main()


@pytest.mark.parametrize('nproc', ['1', '2'])
def test_polygons_become_train_ids_and_split_lists(tmp_path, monkeypatch, nproc):
    write_frame(tmp_path, 'train', 'aachen', '000000_000019')
    write_frame(tmp_path, 'train', 'bochum', '000001_000002')
    write_frame(tmp_path, 'val', 'frankfurt', '000000_000294')
    run(monkeypatch, str(tmp_path), '--nproc', nproc)
    labels = sorted(tmp_path.rglob('*_gtFine_labelTrainIds.png'))
    assert [p.parent.parent.name for p in labels] == ['train', 'train', 'val']
    for path in labels:
        np.testing.assert_array_equal(np.array(Image.open(path)), expected_train_ids())
    assert (tmp_path / 'train.txt').read_text() == ('aachen/aachen_000000_000019\n'
                                                    'bochum/bochum_000001_000002\n')
    assert (tmp_path / 'val.txt').read_text() == 'frankfurt/frankfurt_000000_000294\n'


def test_out_dir_mirrors_the_layout(tmp_path, monkeypatch):
    write_frame(tmp_path / 'cs', 'val', 'lindau', '000000_000019')
    run(monkeypatch, str(tmp_path / 'cs'), '-o', str(tmp_path / 'out'))
    label = tmp_path / 'out/gtFine/val/lindau/lindau_000000_000019_gtFine_labelTrainIds.png'
    np.testing.assert_array_equal(np.array(Image.open(label)), expected_train_ids())
    assert (tmp_path / 'out' / 'val.txt').is_file()
    assert not list((tmp_path / 'cs').rglob('*.png'))


def test_unknown_label_names_the_file(tmp_path, monkeypatch):
    path = write_frame(tmp_path, 'val', 'ulm', '000000_000019',
                       objects=[{'label': 'dragon', 'polygon': [[0, 0], [2, 0], [2, 2]]}])
    with pytest.raises(RuntimeError, match=f'{path}: cityscapesscripts could not convert it'):
        run(monkeypatch, str(tmp_path))


def test_missing_annotation_folder_is_named(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=f"'{tmp_path / 'gtFine'}' does not exist"):
        run(monkeypatch, str(tmp_path))
