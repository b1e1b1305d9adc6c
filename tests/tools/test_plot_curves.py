"""tools/analysis/plot_curves.py draws one curve per run and key from mmengine's scalar logs,
training scalars and validation metrics on their own axes, and names the logs it skipped."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest

matplotlib.use('Agg')

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools/analysis/plot_curves.py'
spec = importlib.util.spec_from_file_location('plot_curves', TOOL)
plot_curves = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plot_curves)
WHITE = np.array([255, 255, 255])  # matplotlib's figure and axes background


def write_run(work_dir: Path, timestamp: str, records) -> Path:
    """``records`` as the run ``timestamp`` of ``work_dir`` logs them; the log's path."""
    path = work_dir / timestamp / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text('\n'.join(map(json.dumps, records)) + '\n')
    return path


def epoch_run(work_dir: Path, losses, aps, iters_per_epoch: int = 3) -> Path:
    """An epoch-based run: one training line per epoch, a validation line every 2 epochs."""
    records = []
    for epoch, loss in enumerate(losses, 1):
        records.append(dict(loss=loss, lr=1e-3, epoch=epoch, iter=epoch * iters_per_epoch,
                            step=epoch * iters_per_epoch))
        if epoch % 2 == 0:
            records.append({'coco/AP': aps[epoch // 2 - 1], 'step': epoch})
    return write_run(work_dir, '20261201_000000', records)


def render(fig) -> np.ndarray:
    """The figure as a BGR image, as --out writes it."""
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    return cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGR)


def pixel_of(ax, x: float, y: float, height: int) -> tuple:
    """(row, column) of data point (x, y) of ``ax`` in the rendered image."""
    px, py = ax.transData.transform((x, y))
    return int(round(height - py)), int(round(px))


def test_one_curve_per_run_and_key_on_two_axes(tmp_path):
    epoch_run(tmp_path / 'a', [4.0, 3.0, 2.0, 1.0], [0.2, 0.6])
    epoch_run(tmp_path / 'b', [5.0, 4.5, 4.0, 3.5], [0.1, 0.3])
    runs, problems = plot_curves.load_runs([str(tmp_path / 'a'), str(tmp_path / 'b')],
                                           ['loss', 'coco/AP'])
    assert problems == []

    fig = plot_curves.plot_curves(runs, ['loss', 'coco/AP'], 'epoch', size=(6, 4))

    train_ax, val_ax = fig.axes  # the validation metric got its own axis
    assert sorted(line.get_label() for line in train_ax.get_lines()) == ['a: loss', 'b: loss']
    assert sorted(line.get_label() for line in val_ax.get_lines()) == \
        ['a: coco/AP', 'b: coco/AP']
    # The same x axis for both: validation at epochs 2 and 4, training at every epoch.
    a_ap = next(line for line in val_ax.get_lines() if line.get_label() == 'a: coco/AP')
    assert list(a_ap.get_xdata()) == [2, 4] and list(a_ap.get_ydata()) == [0.2, 0.6]
    a_loss = next(line for line in train_ax.get_lines() if line.get_label() == 'a: loss')
    assert list(a_loss.get_xdata()) == [1, 2, 3, 4]
    # One colour per run, shared by its keys.
    colors = {line.get_label(): line.get_color() for ax in fig.axes for line in ax.get_lines()}
    assert colors['a: loss'] == colors['a: coco/AP'] != colors['b: loss']


def test_pixels_under_curve_points_differ_from_the_background(tmp_path):
    epoch_run(tmp_path / 'a', [4.0, 3.0, 2.0, 1.0], [0.2, 0.6])
    runs, _ = plot_curves.load_runs([str(tmp_path / 'a')], ['loss', 'coco/AP'])
    fig = plot_curves.plot_curves(runs, ['loss', 'coco/AP'], 'epoch', size=(6, 4))

    image = render(fig)

    assert image.shape == (400, 600, 3)  # 6 x 4 inches at 100 dpi
    train_ax, val_ax = fig.axes
    for ax, x, y in [(train_ax, 1, 4.0), (train_ax, 3, 2.0), (val_ax, 2, 0.2),
                     (val_ax, 4, 0.6)]:
        row, col = pixel_of(ax, x, y, image.shape[0])
        assert (image[row, col] != WHITE).any(), (x, y)
    # A point of the plot area off every curve stays background.
    row, col = pixel_of(train_ax, 1.25, 2.75, image.shape[0])
    assert (image[row, col] == WHITE).all()


def test_iteration_axis_places_epoch_validation_at_its_iterations(tmp_path):
    epoch_run(tmp_path / 'a', [4.0, 3.0, 2.0, 1.0], [0.2, 0.6], iters_per_epoch=5)
    runs, _ = plot_curves.load_runs([str(tmp_path / 'a')], ['loss', 'coco/AP'])

    assert runs[0].curve('coco/AP', 'iter') == ([10.0, 20.0], [0.2, 0.6])
    assert runs[0].curve('loss', 'iter')[0] == [5.0, 10.0, 15.0, 20.0]
    assert runs[0].curve('loss', 'epoch')[0] == [1.0, 2.0, 3.0, 4.0]


def test_iteration_based_runs_refuse_an_epoch_axis(tmp_path):
    write_run(tmp_path / 's', '20261201_000000', [
        dict(loss=2.0, iter=10, step=10), {'mIoU': 5.0, 'step': 20}])
    runs, _ = plot_curves.load_runs([str(tmp_path / 's')], ['loss', 'mIoU'])

    assert plot_curves.default_x_axis(runs) == 'iter'
    assert runs[0].curve('mIoU', 'iter') == ([20.0], [5.0])
    with pytest.raises(ValueError, match='use --x iter'):
        plot_curves.plot_curves(runs, ['loss'], 'epoch')


def test_the_newest_run_with_a_key_is_read(tmp_path):
    write_run(tmp_path, '20261101_000000', [dict(loss=1.0, iter=1, step=1)])
    newest = write_run(tmp_path, '20261102_000000', [dict(loss=2.0, iter=1, step=1)])
    write_run(tmp_path, '20261103_000000', [dict(lr=0.1, iter=1, step=1)])  # no loss

    runs, _ = plot_curves.load_runs([str(tmp_path)], ['loss'])

    assert runs[0].path == str(newest)


def run_tool(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.subprocess
def test_cli_names_skipped_logs_and_what_it_wrote(tmp_path):
    good = epoch_run(tmp_path / 'good', [4.0, 3.0, 2.0, 1.0], [0.2, 0.6])
    broken = write_run(tmp_path / 'broken', '20261201_000000', [dict(loss=1.0, iter=1, step=1)])
    broken.write_text(broken.read_text() + '{"loss": 0.5, "it\n')
    (tmp_path / 'empty').mkdir()
    out = tmp_path / 'curves.png'

    result = run_tool(tmp_path / 'good', tmp_path / 'broken', tmp_path / 'empty',
                      '--keys', 'loss', 'coco/AP', '--out', out, '--size', 4, 3)

    assert result.returncode == 0, result.stderr
    assert f'wrote {out}' in result.stdout
    assert f'read {good}' in result.stdout
    assert f'skipped {tmp_path / "broken"}' in result.stderr and 'line 2' in result.stderr
    assert f'skipped {tmp_path / "empty"}' in result.stderr
    # broken logged coco/AP nowhere; 'good' logged both keys: no complaint about it.
    assert str(good) not in result.stderr
    image = cv2.imread(str(out))
    assert image.shape == (300, 400, 3)
    assert (image != 255).any(axis=-1).mean() > 0.05  # axes, text and curves were drawn


@pytest.mark.subprocess
def test_cli_fails_when_nothing_can_be_drawn_and_never_overwrites_a_log(tmp_path):
    log = epoch_run(tmp_path / 'a', [4.0, 3.0], [0.2])

    nothing = run_tool(tmp_path / 'a', '--keys', 'mIoU', '--out', tmp_path / 'x.png')
    assert nothing.returncode == 2
    assert "no run logged 'mIoU'" in nothing.stderr
    assert not (tmp_path / 'x.png').exists()

    # A log may have any name; the picture is never written over it.
    png_log = log.rename(log.with_suffix('.png'))
    before = png_log.read_bytes()
    onto_log = run_tool(png_log, '--keys', 'loss', '--out', png_log)
    assert onto_log.returncode == 2
    assert f'refusing to write {png_log}' in onto_log.stderr
    assert png_log.read_bytes() == before
