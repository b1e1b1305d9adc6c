"""Run with ``randomness.deterministic=True`` (``--deterministic``) on CUDA, where some ops of
these models have no deterministic kernel."""
import os

import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import Runner

# cuBLAS is deterministic with a fixed workspace per stream (CUDA >= 10.2); torch otherwise
# warns (or, in strict mode, raises) at every matrix product. Read when cuBLAS starts, which
# is at the first matrix product: before_run comes earlier.
CUBLAS_WORKSPACE = ':4096:8'


@HOOKS.register_module()
class DeterministicWarnOnlyHook(Hook):
    """Turn torch's deterministic mode, when the run asks for it, from raising into warning.

    mmengine's ``randomness=dict(deterministic=True)`` calls
    ``torch.use_deterministic_algorithms(True)`` (besides cuDNN's deterministic algorithms and
    no cuDNN benchmark). In that strict mode an op without a deterministic CUDA implementation
    raises ``RuntimeError``, and these models use several: the backward of adaptive average
    pooling (Lite-HRNet's spatial and cross-resolution weighting) and of bilinear resizing
    (the segmentation heads' resize of the logits to the label size, the IterativeHead), and,
    in torch versions that flag it whatever the reduction, the forward of NLLLoss (mmseg's
    cross-entropy). Training with ``--deterministic`` on a GPU would stop at its first step.

    This hook keeps every deterministic kernel and lets those few ops run their usual kernel
    with a warning (``warn_only=True``), after the Runner has set its randomness up (and
    again after a resume, which may set it up again with the checkpoint's seed). It logs that
    it did so, and sets ``CUBLAS_WORKSPACE_CONFIG`` (unless given) so that cuBLAS is
    deterministic too. What this means for reproducibility is in docs/distributed.md.
    Without ``deterministic=True`` it does nothing.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._logged = False

    def before_run(self, runner: Runner) -> None:
        if torch.are_deterministic_algorithms_enabled():
            os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', CUBLAS_WORKSPACE)

    def before_train(self, runner: Runner) -> None:
        self._warn_only(runner)

    def before_val(self, runner: Runner) -> None:
        self._warn_only(runner)

    def before_test(self, runner: Runner) -> None:
        self._warn_only(runner)

    def _warn_only(self, runner: Runner) -> None:
        if not torch.are_deterministic_algorithms_enabled() or \
                torch.is_deterministic_algorithms_warn_only_enabled():
            return
        torch.use_deterministic_algorithms(True, warn_only=True)
        if not self._logged:
            self._logged = True
            runner.logger.info(
                'deterministic algorithms in warn-only mode: ops without a deterministic '
                'implementation (on CUDA: the backward of adaptive average pooling and of '
                'bilinear resizing) warn and run non-deterministically instead of stopping '
                'the run; cuDNN is deterministic, cuBLAS with CUBLAS_WORKSPACE_CONFIG='
                f'{os.environ.get("CUBLAS_WORKSPACE_CONFIG", "(unset)")}')
