"""What the pose and segmentation runs share: building models and Runners from configs,
checkpoint loading that no file can turn into code (mmengine's own too, once this package is
imported), resuming (one training run per work dir, from a complete checkpoint),
command-line handling, distributed runs on CPU machines, and the hooks of both
default runtimes (registered in mmengine's root ``HOOKS`` on import).

Depends on mmengine and on the backbone package; knows neither task. Configs load it with
``custom_imports=dict(imports=['engine', ...])``.
"""
from .checkpoint_fit import (CheckpointMismatchError, checkpoint_mismatches,
                             require_checkpoint_fit)
from .checkpoint_loading import (CheckpointError, UnsafeCheckpointError, checkpoint_trust,
                                 guard_checkpoint_schemes, load_checkpoint_file,
                                 local_checkpoint)
from .checkpoint_resume import (NoCompleteCheckpointError, is_complete_checkpoint,
                                resume_checkpoint)
from .cli import add_common_arguments, add_inference_arguments, load_config
from .config_override_check import UnknownConfigKeyError, check_override_keys
from .cpu_distributed import prepare_cpu_distributed
from .cpu_distributed_data_parallel import CPUDistributedDataParallel
from .distributed_end import end_distributed
from .hooks import (AtomicCheckpointHook, AugmentationSeedHook, DeterministicWarnOnlyHook,
                    MainProcessLoggerHook, NonFiniteLossHook, SkippedSampleReportHook)
from .image_files import image_from_file, read_image
from .inference_model import init_model, test_dataset_meta
from .load_image import LoadImage
from .model_builder import TensorForward, build_model, model_input_shape
from .output_files import (VideoOutput, check_image_output, refuse_overwriting_inputs,
                           write_image)
from .quantization import quantize_for_openvino
from .runner_build import build_runner
from .runtimes import (BACKENDS, GRAPH_FORMS, RUNTIMES, RuntimeForward, apply_backend,
                       check_backend, export_for_runtime, onnx_max_abs_diff, resolve_backend,
                       runtime_session)
from .skip_counter import SkipCounter
from .work_dir_lock import WorkDirInUseError, work_dir_lock

__all__ = [
    'BACKENDS', 'GRAPH_FORMS', 'RUNTIMES', 'RuntimeForward', 'apply_backend', 'check_backend',
    'export_for_runtime', 'onnx_max_abs_diff', 'resolve_backend', 'runtime_session',
    'AugmentationSeedHook', 'CheckpointMismatchError', 'CPUDistributedDataParallel',
    'MainProcessLoggerHook', 'NonFiniteLossHook', 'SkipCounter', 'SkippedSampleReportHook',
    'TensorForward', 'UnknownConfigKeyError', 'add_common_arguments', 'add_inference_arguments',
    'build_model',
    'build_runner', 'check_override_keys', 'checkpoint_mismatches', 'model_input_shape',
    'end_distributed', 'load_checkpoint_file', 'load_config', 'prepare_cpu_distributed',
    'require_checkpoint_fit', 'checkpoint_trust', 'CheckpointError', 'UnsafeCheckpointError',
    'local_checkpoint', 'VideoOutput', 'check_image_output', 'refuse_overwriting_inputs',
    'write_image', 'image_from_file', 'read_image', 'LoadImage', 'init_model',
    'test_dataset_meta', 'quantize_for_openvino',
    'AtomicCheckpointHook', 'DeterministicWarnOnlyHook', 'NoCompleteCheckpointError',
    'is_complete_checkpoint', 'resume_checkpoint', 'WorkDirInUseError', 'work_dir_lock'
]

# Every checkpoint mmengine loads from here on goes through the guarded loader.
guard_checkpoint_schemes()
