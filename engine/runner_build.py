"""Build mmengine's Runner the way both tools need it: CPU-capable in distributed runs, and
with the checkpoint to load checked (weights-only, and fitting the model) before any work."""
from typing import Optional, Sequence

from mmengine.config import Config
from mmengine.runner import Runner

from .checkpoint_loading import load_checkpoint_file
from .checkpoint_fit import require_checkpoint_fit
from .cpu_distributed import prepare_cpu_distributed


def build_runner(cfg: Config, checkpoint: Optional[str] = None, trust: bool = False,
                 allow_partial: bool = False, notes: Sequence[str] = ()) -> Runner:
    """``Runner.from_cfg(cfg)``, preceded and followed by checks.

    Args:
        cfg: the run's config (its ``launcher`` set).
        checkpoint: the checkpoint the run will load (``load_from``), if any. It is read
            weights-only first (refused, naming it, if it needs arbitrary unpickling and
            ``trust`` is False), before the model is built, and compared with the built
            model (refused, listing the first mismatches, unless ``allow_partial``).
        trust: allow a checkpoint that needs arbitrary unpickling.
        allow_partial: load a checkpoint that fits the model only partly, with a warning.
        notes: lines for the run's log, decided before it had one (e.g. the work dir lock).
    """
    state = load_checkpoint_file(checkpoint, trust=trust) if checkpoint else None
    notes = [*notes, *prepare_cpu_distributed(cfg)]
    runner = Runner.from_cfg(cfg)
    for note in notes:
        runner.logger.info(note)
    if state is not None:
        require_checkpoint_fit(runner.model, checkpoint, state, allow_partial, runner.logger)
    return runner
