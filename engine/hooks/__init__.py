"""Hooks of both default runtimes, registered in mmengine's root ``HOOKS`` on import."""
from .augmentation_seed_hook import AugmentationSeedHook
from .main_process_logger_hook import MainProcessLoggerHook
from .non_finite_loss_hook import NonFiniteLossHook
from .skipped_sample_report_hook import SkippedSampleReportHook

__all__ = [
    'AugmentationSeedHook', 'MainProcessLoggerHook', 'NonFiniteLossHook',
    'SkippedSampleReportHook'
]
