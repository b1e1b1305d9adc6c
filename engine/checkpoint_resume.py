"""Find the checkpoint ``--resume`` (without a path) should start from when the one
``last_checkpoint`` names is not a complete checkpoint."""
import glob
import os.path as osp
import zipfile
from typing import Optional, Tuple

# torch.save's format since torch 1.6 is a zip archive, whose directory is written last: a
# truncated file has none.
_ZIP_MAGIC = b'PK\x03\x04'


class NoCompleteCheckpointError(RuntimeError):
    """``--resume`` found no complete checkpoint to resume from."""


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` holds a whole ``torch.save`` file: a zip archive whose directory reads
    and lists the pickle (``.../data.pkl``). Files in torch's legacy format (not zip) are
    taken as complete: only loading them could tell."""
    try:
        with open(path, 'rb') as file:
            magic = file.read(len(_ZIP_MAGIC))
        if not magic:
            return False
        if magic != _ZIP_MAGIC:
            return True
        with zipfile.ZipFile(path) as archive:
            return any(name.endswith('data.pkl') for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def resume_checkpoint(work_dir: str) -> Tuple[Optional[str], Optional[str]]:
    """Check what mmengine's auto-resume would load: the checkpoint ``<work_dir>/
    last_checkpoint`` names.

    Returns:
        ``(None, None)`` when mmengine can go ahead: that checkpoint is complete, or none was
        recorded (mmengine then starts from scratch and says so). Otherwise ``(path,
        note)``: ``path`` is the newest complete ``*.pth`` of the checkpoints' folder, to
        resume from instead, and ``note`` says why, for the log.

    Raises:
        NoCompleteCheckpointError: the recorded checkpoint is missing, empty or truncated and
            no complete one is left beside it.
    """
    record = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(record):
        return None, None
    with open(record) as file:
        recorded = file.read().strip()
    if recorded and is_complete_checkpoint(recorded):
        return None, None
    folder = osp.dirname(recorded) if recorded else work_dir
    candidates = sorted(glob.glob(osp.join(glob.escape(folder), '*.pth')), key=osp.getmtime,
                        reverse=True)
    fallback = next((path for path in candidates if is_complete_checkpoint(path)), None)
    problem = (f'{record} names {recorded}, which is '
               f'{"missing" if not osp.exists(recorded) else "incomplete"}'
               if recorded else f'{record} is empty')
    problem += ' (a run killed while it saved?)'
    if fallback is None:
        raise NoCompleteCheckpointError(
            f'cannot resume: {problem}, and {folder} holds no complete checkpoint. Start '
            'without --resume, or give a checkpoint with --resume CKPT.')
    return fallback, f'{problem}; resuming from {fallback}, the newest complete checkpoint'
