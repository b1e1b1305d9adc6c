"""Hooks of both default runtimes, registered in mmengine's root ``HOOKS`` on import."""
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .augmentation_seed_hook import AugmentationSeedHook
from .deterministic_warn_only_hook import DeterministicWarnOnlyHook
from .main_process_logger_hook import MainProcessLoggerHook
from .non_finite_loss_hook import NonFiniteLossHook
from .skipped_sample_report_hook import SkippedSampleReportHook

__all__ = [
    'AtomicCheckpointHook', 'AugmentationSeedHook', 'DeterministicWarnOnlyHook',
    'MainProcessLoggerHook', 'NonFiniteLossHook', 'SkippedSampleReportHook'
]
