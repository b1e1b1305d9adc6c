"""mmengine's scalar log: ``<work_dir>/<timestamp>/vis_data/scalars.json``, one json object per
line with its ``step`` (training lines: the iteration, with ``iter`` and, in epoch-based runs,
``epoch``; validation lines: the epoch in epoch-based runs, the iteration otherwise)."""
import glob
import json
import os.path as osp
from typing import List

RUN_LOG_PATTERN = osp.join('*', 'vis_data', 'scalars.json')


def run_logs(work_dir: str) -> List[str]:
    """The ``scalars.json`` of every run in ``work_dir``, newest first (run folders are named
    by their start time, so name order is time order)."""
    return sorted(glob.glob(osp.join(work_dir, RUN_LOG_PATTERN)), reverse=True)


def read_scalar_records(path: str) -> List[dict]:
    """Every record of a ``scalars.json``, in order (blank lines skipped).

    Raises:
        ValueError: naming the file and the line that is not a json object with a ``step``.
    """
    records = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}, line {number}: not json ({error})') from None
            if not isinstance(record, dict) or 'step' not in record:
                raise ValueError(f'{path}, line {number}: not an mmengine scalar record (a '
                                 'json object with a "step")')
            records.append(record)
    return records
