"""Running the tools as a user does: in a subprocess, from the repository root, on 1 CPU thread
per process (the tests share the machine), with a timeout so that a hung rank fails the test."""
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 240


@pytest.fixture
def one_thread():
    """One CPU thread in this process: see tests/seg/conftest.py (two threads stall when the
    cores are shared)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tool_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment of a tool run: this interpreter for the shell scripts, 1 thread, the
    repository (and ``extra``'s PYTHONPATH) importable."""
    extra = dict(extra or {})
    path = os.pathsep.join(filter(None, [str(ROOT), extra.pop('PYTHONPATH', '')]))
    return dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1', PYTHON=sys.executable,
                PYTHONPATH=path, **extra)


def run(command: Sequence[str], env: Optional[Dict[str, str]] = None,
        timeout: int = TIMEOUT) -> subprocess.CompletedProcess:
    """Run ``command`` from the repository root; stdout and stderr together in ``.stdout``."""
    return subprocess.run([str(part) for part in command], cwd=ROOT, env=tool_env(env),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)


class Tools:
    """The tools, run as a user runs them; each call returns the finished process, with
    stdout and stderr together in ``.stdout``."""

    POSE_COCO = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
    POSE_MPII = 'configs/pose/demo/litehrnet_18_mpii-sample_256x256.py'
    SEG_ADE = 'configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py'
    root = ROOT
    env = staticmethod(tool_env)

    @staticmethod
    def train(config: str, *args: str, env: Optional[Dict[str, str]] = None):
        """tools/train.py in one process."""
        return run([sys.executable, 'tools/train.py', config, *args], env)

    @staticmethod
    def test(config: str, checkpoint: str, *args: str, env: Optional[Dict[str, str]] = None):
        """tools/test.py in one process."""
        return run([sys.executable, 'tools/test.py', config, checkpoint, *args], env)

    @staticmethod
    def dist_train(config: str, nprocs: int, *args: str,
                   env: Optional[Dict[str, str]] = None):
        """tools/dist_train.sh on ``nprocs`` processes (gloo on a CPU-only machine)."""
        return run(['bash', 'tools/dist_train.sh', config, str(nprocs), *args],
                   env=env)

    @staticmethod
    def dist_test(config: str, checkpoint: str, nprocs: int, *args: str,
                  env: Optional[Dict[str, str]] = None):
        """tools/dist_test.sh on ``nprocs`` processes."""
        return run(['bash', 'tools/dist_test.sh', config, checkpoint, str(nprocs), *args],
                   env=env)

    @staticmethod
    def train_command(config: str, *args: str) -> List[str]:
        """The tools/train.py command line, for runs a test controls itself (Popen)."""
        return [sys.executable, 'tools/train.py', config, *args]

    @staticmethod
    def tail(result: subprocess.CompletedProcess) -> str:
        """The end of a run's output, for assertion messages."""
        return result.stdout[-4000:]

    @staticmethod
    def scalars(work_dir: Path) -> List[dict]:
        """The training and validation scalars the runs in ``work_dir`` logged, in order."""
        return [json.loads(line) for path in sorted(work_dir.glob('*/vis_data/scalars.json'))
                for line in path.read_text().splitlines()]

    @staticmethod
    def test_metrics(work_dir: Path) -> dict:
        """The metrics tools/test.py logged (<timestamp>/<timestamp>.json)."""
        path = next(p for p in work_dir.glob('*/*.json') if p.parent.name == p.stem)
        return json.loads(path.read_text().splitlines()[-1])


@pytest.fixture(scope='session')
def tools() -> Tools:
    """Run the tools (see :class:`Tools`)."""
    return Tools()
