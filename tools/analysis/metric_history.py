"""Print how a validation metric developed over a training run, from the run's scalar log.

    python tools/analysis/metric_history.py WORK_DIR [--key mIoU] [--min-gain G]

mmengine writes every logged scalar to ``WORK_DIR/<timestamp>/vis_data/scalars.json`` (one json
object per line); the newest run of the work dir that logged ``--key`` is read. Prints one line
per evaluation and the change from the first evaluation to the last; with ``--min-gain`` the tool
exits with status 1 when the metric rose by less than that.
"""
import argparse
import os
import sys
from typing import List, Tuple

from engine.scalar_log import RUN_LOG_PATTERN, read_scalar_records, run_logs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_dir')
    parser.add_argument('--key', default='mIoU',
                        help="the metric's name in the log (mIoU, coco/AP, PCKh, ...)")
    parser.add_argument('--min-gain', type=float,
                        help='fail unless last - first evaluation >= this')
    return parser.parse_args()


def read_history(scalars_file: str, key: str) -> List[Tuple[int, float]]:
    """(step, value) of every line of an mmengine ``scalars.json`` that holds ``key``."""
    return [(int(record['step']), float(record[key]))
            for record in read_scalar_records(scalars_file) if key in record]


def newest_history(work_dir: str, key: str) -> Tuple[str, List[Tuple[int, float]]]:
    """The scalar file of the newest run under ``work_dir`` that logged ``key``, and its
    history. Run folders are named by their start time, so name order is time order."""
    files = run_logs(work_dir)
    if not files:
        pattern = os.path.join(work_dir, RUN_LOG_PATTERN)
        raise FileNotFoundError(f'no training log in {work_dir}: {pattern} matches nothing')
    for scalars_file in files:
        history = read_history(scalars_file, key)
        if history:
            return scalars_file, history
    raise KeyError(f'no evaluation in {work_dir} logged {key!r} (read {len(files)} runs)')


def main() -> int:
    args = parse_args()
    try:
        scalars_file, history = newest_history(args.work_dir, args.key)
    except (FileNotFoundError, KeyError, ValueError) as error:
        print(f'metric_history: {error}', file=sys.stderr)
        return 2
    print(f'{args.key} over training ({scalars_file}):')
    for step, value in history:
        print(f'  step {step:6d}: {value:.4f}')
    gain = history[-1][1] - history[0][1]
    print(f'{args.key}: {history[0][1]:.4f} at the first evaluation -> {history[-1][1]:.4f} at '
          f'the last ({gain:+.4f})')
    if args.min_gain is not None and gain < args.min_gain:
        print(f'metric_history: {args.key} rose by {gain:.4f}, less than --min-gain '
              f'{args.min_gain}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
