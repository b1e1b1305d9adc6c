"""tools/dataset_converters/cityscapes.py draws polygon files into the expected train ids,
never leaves a truncated label map, and keeps the official evaluation working."""
import importlib.util
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict

import numpy as np
import pytest
import torch
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


def expected_label_ids() -> np.ndarray:
    """What the official evaluation compares with: label ids, not train ids."""
    label = np.zeros((H, W), np.uint8)  # unlabeled
    label[4:8, 0:12] = 7  # road
    label[5:7, 2:6] = 26  # car
    label[0:2, 8:11] = 26  # cargroup
    label[2:4, 6:8] = 1  # ego vehicle
    return label


def write_frame(root: Path, split: str, city: str, frame: str, objects=OBJECTS,
                gt: str = 'gtFine') -> Path:
    folder = root / gt / split / city
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{city}_{frame}_{gt}_polygons.json'
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
    with pytest.raises(RuntimeError, match=rf'{re.escape(str(path))}: cityscapesscripts\b') \
            as error:
        run(monkeypatch, str(tmp_path))
    assert 'could not convert' in str(error.value)


def test_missing_annotation_folder_is_named(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=f"'{tmp_path / 'gtFine'}' does not exist"):
        run(monkeypatch, str(tmp_path))


def files_under(root: Path) -> Dict[str, bytes]:
    """Every file below ``root`` (hidden ones too), by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob('*'))
            if p.is_file()}


FRAMES = [('train', 'aachen', '000000_000019'), ('train', 'aachen', '000001_000019'),
          ('train', 'bochum', '000000_000313'), ('val', 'lindau', '000000_000019'),
          ('val', 'lindau', '000001_000019')]

# Runs the converter with PIL's Image.save replaced: its `kill_at`-th call writes the first half
# of the PNG and then has the process killed, as SIGKILL, the OOM killer or a lost job would.
KILLED_RUN = r'''
import io, os, runpy, signal, sys
from PIL import Image

tool, kill_at, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
save, calls = Image.Image.save, []


def save_then_die(self, fp, format=None, **params):
    calls.append(fp)
    if len(calls) < kill_at:
        return save(self, fp, format, **params)
    png = io.BytesIO()
    save(self, png, format or 'PNG', **params)
    half = png.getvalue()[:len(png.getvalue()) // 2]
    if isinstance(fp, (str, os.PathLike)):
        with open(fp, 'wb') as f:
            f.write(half)
    else:
        fp.write(half)
        fp.flush()
    os.kill(os.getpid(), signal.SIGKILL)


Image.Image.save = save_then_die
sys.argv = [tool, *args]
runpy.run_path(tool, run_name='__main__')
'''


def test_killed_conversion_leaves_no_truncated_label_and_a_rerun_repairs(tmp_path,
                                                                         monkeypatch):
    clean, killed = tmp_path / 'clean', tmp_path / 'killed'
    for root in (clean, killed):
        for frame in FRAMES:
            write_frame(root, *frame)
    run(monkeypatch, str(clean))

    tool = ROOT / 'tools/dataset_converters/cityscapes.py'
    result = subprocess.run([sys.executable, '-c', KILLED_RUN, str(tool), '4', str(killed)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr[-3000:]
    # Killed while writing the second frame's label map (after the first's and its two
    # companions): only its temporary file holds the half-written PNG.
    [partial] = killed.rglob('*.partial')
    assert partial.name.startswith('.aachen_000001_000019_gtFine_labelTrainIds.png.')
    written = sorted(killed.rglob('*_labelTrainIds.png'))
    assert written, 'killed before any label map was written'
    # Whatever sits under a final name is complete: a dataset's existence check can trust it.
    for path in written:
        np.testing.assert_array_equal(np.array(Image.open(path)), expected_train_ids())

    run(monkeypatch, str(killed))
    assert files_under(killed) == files_under(clean)


def test_rerun_repairs_a_truncated_label_map_and_removes_partial_files(tmp_path, monkeypatch):
    clean, damaged = tmp_path / 'clean', tmp_path / 'damaged'
    for root in (clean, damaged):
        for frame in FRAMES:
            write_frame(root, *frame)
        run(monkeypatch, str(root))
    # As an interrupted run of an older, in-place converter, and a killed one of this one, left.
    label = next(damaged.rglob('*_labelTrainIds.png'))
    label.write_bytes(label.read_bytes()[:40])
    (label.parent / f'.{label.name}.12345.partial').write_bytes(b'\x89PNG')
    (damaged / '.train.txt.12345.partial').write_text('aachen/')

    run(monkeypatch, str(damaged))
    assert files_under(damaged) == files_under(clean)


def test_out_dir_keeps_the_official_metric_working(tmp_path, monkeypatch):
    # The metric reads *_labelIds.png (and *_instanceIds.png) beside each *_labelTrainIds.png.
    from mmseg.datasets import CityscapesDataset

    from seg.evaluation import CityscapesOfficialMetric

    write_frame(tmp_path / 'cs', 'val', 'lindau', '000000_000019')
    run(monkeypatch, str(tmp_path / 'cs'), '-o', str(tmp_path / 'out'))
    label = tmp_path / 'out/gtFine/val/lindau/lindau_000000_000019_gtFine_labelTrainIds.png'
    label_ids = str(label).replace('labelTrainIds', 'labelIds')
    np.testing.assert_array_equal(np.array(Image.open(label_ids)), expected_label_ids())

    metric = CityscapesOfficialMetric(output_dir=str(tmp_path / 'pred'))
    metric.dataset_meta = CityscapesDataset.METAINFO
    perfect = torch.from_numpy(np.array(Image.open(label)))[None].long()
    metric.process({}, [dict(pred_sem_seg=dict(data=perfect), seg_map_path=str(label),
                             img_path='lindau_000000_000019_leftImg8bit.png')])
    # The instance scores read the *_instanceIds.png.
    assert metric.evaluate(1) == {
        'averageScoreClasses': 1.0, 'averageScoreInstClasses': 1.0,
        'averageScoreCategories': 1.0, 'averageScoreInstCategories': 1.0, 'IoU.road': 1.0,
        'IoU.car': 1.0}


def test_out_dir_copies_the_downloaded_companions(tmp_path, monkeypatch):
    polygons = write_frame(tmp_path / 'cs', 'val', 'lindau', '000000_000019')
    base = str(polygons)[:-len('_polygons.json')]
    # Not what the polygons draw: the download's files are copied, not redrawn.
    Image.fromarray(np.full((H, W), 7, np.uint8)).save(base + '_labelIds.png')
    Image.fromarray(np.full((H, W), 26001, np.uint16)).save(base + '_instanceIds.png')
    run(monkeypatch, str(tmp_path / 'cs'), '-o', str(tmp_path / 'out'))
    out = tmp_path / 'out/gtFine/val/lindau/lindau_000000_000019_gtFine'
    for suffix in ('_labelIds.png', '_instanceIds.png'):
        assert Path(str(out) + suffix).read_bytes() == Path(base + suffix).read_bytes()


def test_coarse_annotations(tmp_path, monkeypatch):
    write_frame(tmp_path, 'train_extra', 'erlangen', '000000_000019', gt='gtCoarse')
    write_frame(tmp_path, 'val', 'lindau', '000000_000019', gt='gtCoarse')
    run(monkeypatch, str(tmp_path), '--gt-dir', 'gtCoarse')
    label = tmp_path / 'gtCoarse/val/lindau/lindau_000000_000019_gtCoarse_labelTrainIds.png'
    np.testing.assert_array_equal(np.array(Image.open(label)), expected_train_ids())
    assert (tmp_path / 'gtCoarse/train_extra/erlangen/'
            'erlangen_000000_000019_gtCoarse_labelIds.png').is_file()
    assert (tmp_path / 'train_extra.txt').read_text() == 'erlangen/erlangen_000000_000019\n'
    assert (tmp_path / 'val.txt').read_text() == 'lindau/lindau_000000_000019\n'


def test_truncated_polygon_file_is_named(tmp_path, monkeypatch):
    path = write_frame(tmp_path, 'val', 'ulm', '000000_000019')
    path.write_text(path.read_text()[:30])
    with pytest.raises(ValueError, match=rf'{re.escape(str(path))}: not a readable') as error:
        run(monkeypatch, str(tmp_path))
    assert 'Cityscapes polygon file' in str(error.value)


@pytest.mark.parametrize('objects, height', [
    ([{'label': 'road', 'polygon': [['a', 'b'], [2, 0], [2, 2]]}], H),  # non-numeric point
    ([{'label': 'road', 'polygon': [[1], [2, 0], [2, 2]]}], H),  # a one-number point
    (OBJECTS, -5),  # a negative image height
])
def test_a_polygon_file_that_cannot_be_drawn_is_named(tmp_path, monkeypatch, objects, height):
    path = write_frame(tmp_path, 'val', 'ulm', '000000_000019', objects=objects)
    path.write_text(json.dumps(dict(imgHeight=height, imgWidth=W, objects=objects)))
    with pytest.raises(ValueError, match=f'{path}: '):
        run(monkeypatch, str(tmp_path))


def test_a_misplaced_polygon_file_fails_before_anything_is_written(tmp_path, monkeypatch):
    write_frame(tmp_path, 'val', 'ulm', '000000_000019')
    stray = tmp_path / 'gtFine' / 'ulm_000000_000020_gtFine_polygons.json'
    stray.write_text(json.dumps(dict(imgHeight=H, imgWidth=W, objects=OBJECTS)))
    with pytest.raises(ValueError, match='expected <gt-dir>/<split>/<city>/'):
        run(monkeypatch, str(tmp_path))
    assert not list(tmp_path.rglob('*.png'))
