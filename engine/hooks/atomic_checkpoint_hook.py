"""Write checkpoints so that a killed run never leaves a truncated file under a checkpoint's
name."""
import functools
import os
import os.path as osp
from typing import Any, Callable

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend, get_file_backend
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import Runner

from ..dependency_patches import unwrap_save_checkpoint, wrap_save_checkpoint

PARTIAL_SUFFIX = '.partial'


@HOOKS.register_module()
class AtomicCheckpointHook(Hook):
    """Make ``runner.save_checkpoint`` write each local checkpoint to ``<name>.partial``,
    flush it to disk, and only then rename it to ``<name>``.

    mmengine writes a checkpoint straight to its final name (``open(path, 'wb')``) and then
    records it in ``last_checkpoint``. A run killed (SIGKILL, out of memory, a preempted job)
    or a machine that goes down while the bytes are written leaves a truncated ``.pth`` under
    that name: ``--resume`` fails on it when ``last_checkpoint`` names it (as it does after a
    crash, when the file system kept the small ``last_checkpoint`` write and not the large
    one, or when a run re-saves a name an earlier run recorded), and tools/test.py, a
    ``--load-from`` or a person copying the file cannot tell it from a complete one. A rename
    within a directory is atomic, so every file with a checkpoint's name is complete; a kill
    leaves at most a ``.partial`` file, which the next save of that name replaces.

    Checkpoints that go elsewhere than the local file system (``backend_args``, the deprecated
    ``file_client_args``) are saved as mmengine saves them. All hooks of the CheckpointHook
    family (periodic, best and last checkpoints) save through this one method.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner: Runner) -> None:
        wrap_save_checkpoint(runner, atomic_saving)

    def after_run(self, runner: Runner) -> None:
        unwrap_save_checkpoint(runner)


def atomic_saving(save_checkpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``Runner.save_checkpoint(out_dir, filename, file_client_args=None, ...,
    backend_args=None)`` (bound) to save local checkpoints atomically."""

    @functools.wraps(save_checkpoint)
    def save(out_dir: str, filename: str, *args: Any, **kwargs: Any) -> None:
        file_client_args = args[0] if args else kwargs.get('file_client_args')
        backend = get_file_backend(out_dir, backend_args=kwargs.get('backend_args'))
        if file_client_args is not None or not isinstance(backend, LocalBackend):
            return save_checkpoint(out_dir, filename, *args, **kwargs)
        partial = osp.join(out_dir, filename + PARTIAL_SUFFIX)
        try:
            save_checkpoint(out_dir, filename + PARTIAL_SUFFIX, *args, **kwargs)
        except BaseException:
            if is_main_process() and osp.exists(partial):
                os.remove(partial)
            raise
        # save_checkpoint runs on the main process only (mmengine's master_only).
        if is_main_process():
            _flush_to_disk(partial)
            os.replace(partial, osp.join(out_dir, filename))
            _flush_to_disk(out_dir)  # the rename itself

    return save


def _flush_to_disk(path: str) -> None:
    """fsync a file or directory, so that a machine crash cannot reorder the rename before
    the data (on systems that can open directories; elsewhere a rename is as far as it goes)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
