"""Plot the scalars training runs logged (loss, lr, validation metrics) against iterations or
epochs, several runs on one figure.

    python tools/analysis/plot_curves.py WORK_DIR [WORK_DIR ...] --keys loss coco/AP
        [--x epoch|iter] [--labels A B ...] [--title T] [--out curves.png] [--size 8 5]

Each WORK_DIR is a work dir (its newest run that logged one of the keys is read), a run folder
``WORK_DIR/<timestamp>`` or an mmengine ``scalars.json`` itself (``vis_data/scalars.json``: one
json object per line; training lines carry ``iter``, validation lines only their ``step``, an
epoch in epoch-based runs and an iteration in iteration-based ones). One curve per run and key;
training scalars on the left axis, validation metrics on a second axis at the right (their
scales differ: a heatmap loss of 1e-3 beside an AP of 0.9). A log that cannot be read, or that
lacks a key, is named on stderr and the others are drawn. ``--out`` writes a picture (png, pdf,
svg; matplotlib's Agg backend, no display needed) and names it; without it a window opens.
"""
import argparse
import os.path as osp
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib

from engine import refuse_overwriting_inputs
from engine.scalar_log import read_scalar_records, run_logs

IMAGE_FORMATS = ('.png', '.pdf', '.svg', '.jpg')


@dataclass
class RunLog:
    """The records of one ``scalars.json``, split into training and validation lines."""
    path: str
    label: str
    train: List[dict] = field(default_factory=list)
    val: List[dict] = field(default_factory=list)

    @property
    def by_epoch(self) -> bool:
        """Whether training was epoch-based (its training lines carry ``epoch``)."""
        return any('epoch' in record for record in self.train)

    def iters_per_epoch(self) -> float:
        """Iterations per epoch, from the last training line (logged at an epoch's end when
        the logging interval is at least an epoch, else within a line's worth of it)."""
        last = self.train[-1]
        return last['iter'] / max(last['epoch'], 1)

    def curve(self, key: str, x_axis: str) -> Tuple[List[float], List[float]]:
        """(x, y) of ``key``, x in ``x_axis`` units ('iter' or 'epoch')."""
        is_train = self.is_train_key(key)
        records = self.train if is_train else self.val
        xs, ys = [], []
        for record in records:
            if key not in record:
                continue
            xs.append(self._x(record, is_train, x_axis))
            ys.append(float(record[key]))
        return xs, ys

    def is_train_key(self, key: str) -> bool:
        return any(key in record for record in self.train)

    def has(self, key: str) -> bool:
        return any(key in record for record in self.train + self.val)

    def _x(self, record: dict, is_train: bool, x_axis: str) -> float:
        step = float(record['iter'] if is_train else record['step'])
        if not self.by_epoch:  # every step is an iteration
            return step
        if is_train:
            return step if x_axis == 'iter' else step / self.iters_per_epoch()
        return step * self.iters_per_epoch() if x_axis == 'iter' else step  # step: an epoch


# line style and marker of the first, second, ... validation key
_VALIDATION_STYLES = (('--', 'o'), (':', 's'), ('-.', '^'))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_dirs', nargs='+', metavar='WORK_DIR',
                        help='work dirs, run folders or scalars.json files')
    parser.add_argument('--keys', nargs='+', default=['loss'],
                        help='logged scalars to draw (loss, lr, coco/AP, PCKh, mIoU, ...)')
    parser.add_argument('--x', dest='x_axis', choices=('epoch', 'iter'),
                        help='x axis (default: epoch when every run is epoch-based)')
    parser.add_argument('--labels', nargs='+', help='legend names of the runs, in order')
    parser.add_argument('--title', help='figure title')
    parser.add_argument('--out', help='picture to write (.png, .pdf, .svg); else a window')
    parser.add_argument('--size', nargs=2, type=float, default=(8.0, 5.0),
                        metavar=('WIDTH', 'HEIGHT'), help='figure size in inches (100 dpi)')
    args = parser.parse_args()
    if args.labels and len(args.labels) != len(args.work_dirs):
        parser.error(f'--labels names {len(args.labels)} runs, but {len(args.work_dirs)} '
                     'were given')
    if args.out and osp.splitext(args.out)[1].lower() not in IMAGE_FORMATS:
        parser.error(f'--out {args.out}: use one of {", ".join(IMAGE_FORMATS)}')
    return args


def scalar_files(path: str) -> List[str]:
    """The ``scalars.json`` files ``path`` names, newest run first (run folders are named by
    their start time)."""
    if osp.isfile(path):
        return [path]
    own = osp.join(path, 'vis_data', 'scalars.json')
    if osp.isfile(own):
        return [own]
    return run_logs(path)


def read_log(path: str, label: str) -> RunLog:
    """The training and validation lines of one ``scalars.json``.

    Raises:
        ValueError: naming the file and line that is not a json object with a ``step``.
    """
    log = RunLog(path, label)
    for record in read_scalar_records(path):
        (log.train if 'iter' in record else log.val).append(record)
    return log


def load_runs(paths: Sequence[str], keys: Sequence[str],
              labels: Optional[Sequence[str]] = None) -> Tuple[List[RunLog], List[str]]:
    """One log per path (its newest run that logged one of ``keys``), and a line naming each
    path that gave none or key it lacks."""
    runs, problems = [], []
    for index, path in enumerate(paths):
        label = labels[index] if labels else osp.basename(osp.normpath(path))
        log, problem = _newest_log(path, keys, label)
        if log is None:
            problems.append(f'skipped {path}: {problem}')
            continue
        runs.append(log)
        for key in keys:
            if not log.has(key):
                problems.append(f'{log.path} logged no {key!r}')
    return runs, problems


def _newest_log(path: str, keys: Sequence[str],
                label: str) -> Tuple[Optional[RunLog], Optional[str]]:
    if not osp.exists(path):
        return None, 'does not exist'
    files = scalar_files(path)
    if not files:
        return None, 'no scalars.json (looked for */vis_data/scalars.json)'
    unreadable = []
    for scalars in files:
        try:
            log = read_log(scalars, label)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            unreadable.append(str(error))
            continue
        if any(log.has(key) for key in keys):
            return log, None
    why = '; '.join(unreadable) or f'no run logged {", ".join(map(repr, keys))}'
    return None, why


def default_x_axis(runs: Sequence[RunLog]) -> str:
    return 'epoch' if runs and all(run.by_epoch for run in runs) else 'iter'


def plot_curves(runs: Sequence[RunLog], keys: Sequence[str], x_axis: str,
                title: Optional[str] = None, size: Tuple[float, float] = (8.0, 5.0)):
    """A matplotlib figure with one line per run and key: training scalars on the left axis,
    validation metrics on a twin axis at the right (absent when only one kind is drawn).

    Raises:
        ValueError: ``x_axis`` is 'epoch' and a run was iteration-based.
    """
    from matplotlib import pyplot as plt
    if x_axis == 'epoch':
        by_iter = [run.path for run in runs if not run.by_epoch]
        if by_iter:
            raise ValueError(f'{by_iter[0]} was trained by iterations: use --x iter')
    fig, train_ax = plt.subplots(figsize=size, dpi=100)
    axes: Dict[bool, object] = {}
    axis_keys: Dict[bool, List[str]] = {}
    colors = plt.rcParams['axes.prop_cycle'].by_key()['color']
    for run_index, run in enumerate(runs):
        color = colors[run_index % len(colors)]
        for key in keys:
            if not run.has(key):
                continue
            is_train = run.is_train_key(key)
            if is_train not in axes:
                axes[is_train] = train_ax if not axes else train_ax.twinx()
            if key not in axis_keys.setdefault(is_train, []):
                axis_keys[is_train].append(key)
            xs, ys = run.curve(key, x_axis)
            # a colour per run; per validation key its own line and marker (keypoint and
            # mask AP of one run side by side stay apart)
            val_index = [k for k in keys if not run.is_train_key(k)].index(key) \
                if not is_train else 0
            linestyle, marker = _VALIDATION_STYLES[val_index % len(_VALIDATION_STYLES)]
            style = dict(linestyle='-', marker=None) if is_train else \
                dict(linestyle=linestyle, marker=marker, markersize=4)
            axes[is_train].plot(xs, ys, color=color, label=f'{run.label}: {key}', **style)
    train_ax.set_xlabel('epoch' if x_axis == 'epoch' else 'iteration')
    for is_train, ax in axes.items():
        kind = 'training' if is_train else 'validation'
        ax.set_ylabel(f'{kind}: {", ".join(axis_keys[is_train])}')
    lines = [line for ax in axes.values() for line in ax.get_lines()]
    # Above the plot: inside, it would hide the curves of one axis or the other.
    train_ax.legend(lines, [line.get_label() for line in lines], loc='lower left',
                    bbox_to_anchor=(0, 1.01), ncol=min(len(lines), 3), fontsize='small',
                    frameon=False)
    train_ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def main() -> int:
    args = parse_args()
    if args.out:
        matplotlib.use('Agg')  # a file is asked for: no window, no display needed
    runs, problems = load_runs(args.work_dirs, args.keys, args.labels)
    for problem in problems:
        print(f'plot_curves: {problem}', file=sys.stderr)
    if not runs:
        print('plot_curves: nothing to draw (every log was skipped, see above)', file=sys.stderr)
        return 2
    x_axis = args.x_axis or default_x_axis(runs)
    try:
        if args.out:
                refuse_overwriting_inputs(args.out, [run.path for run in runs])
        fig = plot_curves(runs, args.keys, x_axis, args.title, tuple(args.size))
    except ValueError as error:
        print(f'plot_curves: {error}', file=sys.stderr)
        return 2
    for run in runs:
        print(f'read {run.path}')
    if args.out:
        try:
            fig.savefig(args.out)
        except OSError as error:
            print(f'plot_curves: cannot write {args.out}: {error}', file=sys.stderr)
            return 2
        print(f'wrote {args.out}')
    else:
        from matplotlib import pyplot as plt
        plt.show()
    return 0


if __name__ == '__main__':
    sys.exit(main())
