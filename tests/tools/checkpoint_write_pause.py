"""Imported before tools/train.py by tests/tools/test_resume.py: the process stops in the middle
of writing the checkpoint whose file name starts with ``$PAUSE_CHECKPOINT_WRITE``, with half of
its bytes written and the file still open, and creates ``$PAUSE_MARKER``, so that the test can
kill it there (a write takes milliseconds: a kill timed from outside would rarely land in it).

Run as ``python -c 'import checkpoint_write_pause, runpy; runpy.run_path("tools/train.py",
run_name="__main__")' CONFIG ARGS...`` with this folder on PYTHONPATH."""
import os
import time
from pathlib import Path

from mmengine.fileio.backends.local_backend import LocalBackend

_put = LocalBackend.put


def _put_pausing(self: LocalBackend, obj: bytes, filepath) -> None:
    prefix = os.environ.get('PAUSE_CHECKPOINT_WRITE')
    if not prefix or not Path(filepath).name.startswith(prefix):
        return _put(self, obj, filepath)
    with open(filepath, 'wb') as file:
        file.write(obj[:len(obj) // 2])
        file.flush()
        Path(os.environ['PAUSE_MARKER']).touch()
        time.sleep(600)  # until killed
        file.write(obj[len(obj) // 2:])


LocalBackend.put = _put_pausing
