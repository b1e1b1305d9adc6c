"""One training run per work dir at a time."""
import os
import os.path as osp
import socket
import time
from contextlib import contextmanager
from typing import Iterator, Optional

try:
    import fcntl
except ImportError:  # Windows: no advisory locks through fcntl
    fcntl = None

LOCK_FILE = '.train.lock'

# Where each launcher puts the process's global rank, readable before the process group is
# set up (mmengine's get_rank() is 0 until then).
_RANK_VARIABLES = {'pytorch': 'RANK', 'slurm': 'SLURM_PROCID', 'mpi': 'OMPI_COMM_WORLD_RANK'}


class WorkDirInUseError(RuntimeError):
    """Another training run holds the work dir."""


def launcher_rank(launcher: str) -> int:
    """The global rank of this process under ``launcher`` ('none', 'pytorch', 'slurm',
    'mpi'), from the launcher's environment."""
    variable = _RANK_VARIABLES.get(launcher)
    return int(os.environ.get(variable, 0)) if variable else 0


@contextmanager
def work_dir_lock(work_dir: str, launcher: str = 'none') -> Iterator[Optional[str]]:
    """Hold ``<work_dir>/.train.lock`` while training, refusing a second run into the same
    work dir.

    Two runs of one config into its default work dir (``work_dirs/<config name>``), e.g. the
    same command started twice, or a ``--resume`` while the first run still goes, would write
    the same ``epoch_N.pth`` / ``iter_N.pth`` names and the same ``last_checkpoint``, each
    overwriting the other's; whichever resumed later would continue the other's weights. The
    second run is refused instead, naming the run that holds the work dir.

    The lock is the operating system's (``flock``), held by the main process (rank 0) for as
    long as it lives: it goes with the process however that ends, SIGKILL included, so no
    stale lock is ever left to remove by hand. The file stays, naming the last holder.

    Yields:
        A line for the log naming the lock and this process, or None on the other ranks and
        where advisory locks are not available.

    Raises:
        WorkDirInUseError: another process holds the lock; the message names its pid and host.
    """
    if launcher_rank(launcher) != 0 or fcntl is None:
        yield None
        return
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_FILE)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 4096, 0).decode(errors='replace').strip()
            raise WorkDirInUseError(
                f'work dir {work_dir} is in use by another training run '
                f'({holder or "which has not written its pid yet"}; lock {path}). Wait for it '
                'to end (or stop it), or train into another --work-dir.') from None
        holder = (f'pid {os.getpid()} on {socket.gethostname()}, since '
                  f'{time.strftime("%Y-%m-%d %H:%M:%S")}')
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f'{holder}\n'.encode(), 0)
        yield (f'work dir locked by this run ({holder}): another training run into it is '
               f'refused until this one ends ({path})')
    finally:
        os.close(descriptor)  # releases the lock
