"""Runner glue shared by the pose and segmentation tools, and the hooks both default runtimes
use (registered in mmengine's root ``HOOKS`` when this package is imported)."""
from .augmentation_seed_hook import AugmentationSeedHook
from .checkpoint import (load_checkpoint_file, mmengine_checkpoint_globals,
                         runner_checkpoint_loading)
from .checkpoint_fit import (CheckpointMismatchError, checkpoint_mismatches,
                             require_checkpoint_fit)
from .cli import add_common_arguments, load_config
from .config_override_check import UnknownConfigKeyError, check_override_keys
from .cpu_distributed import prepare_cpu_distributed
from .cpu_distributed_data_parallel import CPUDistributedDataParallel
from .distributed_end import end_distributed
from .main_process_logger_hook import MainProcessLoggerHook
from .non_finite_loss_hook import NonFiniteLossHook
from .runner_build import build_runner
from .skip_counter import SkipCounter
from .skipped_sample_report_hook import SkippedSampleReportHook

__all__ = [
    'AugmentationSeedHook', 'CheckpointMismatchError', 'CPUDistributedDataParallel',
    'MainProcessLoggerHook', 'NonFiniteLossHook', 'SkipCounter', 'SkippedSampleReportHook', 'UnknownConfigKeyError',
    'add_common_arguments', 'build_runner', 'check_override_keys', 'checkpoint_mismatches',
    'end_distributed',
    'load_checkpoint_file', 'load_config', 'mmengine_checkpoint_globals',
    'prepare_cpu_distributed', 'require_checkpoint_fit', 'runner_checkpoint_loading'
]
