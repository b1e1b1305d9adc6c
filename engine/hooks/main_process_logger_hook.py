"""mmengine's LoggerHook with the test metrics file written by one process only."""
from typing import Dict, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import LoggerHook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class MainProcessLoggerHook(LoggerHook):
    """:class:`mmengine.hooks.LoggerHook` (same arguments), except after testing.

    mmengine 0.10's ``after_test_epoch`` dumps the test metrics to
    ``<log_dir>/<timestamp>.json`` on every rank. The ranks share the timestamp, hence the file,
    and their concurrent writes can interleave into invalid json (seen with 2 processes of
    ``tools/dist_test.sh``). The metrics are the same on every rank (the evaluator broadcasts
    them), so only the main process logs and writes them here.
    """

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        if is_main_process():
            super().after_test_epoch(runner, metrics)
