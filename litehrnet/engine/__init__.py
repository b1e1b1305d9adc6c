"""Runner glue shared by the pose and segmentation tools."""
from .checkpoint import (load_checkpoint_file, mmengine_checkpoint_globals,
                         runner_checkpoint_loading)
from .cli import add_common_arguments, load_config

__all__ = [
    'add_common_arguments', 'load_config', 'load_checkpoint_file', 'mmengine_checkpoint_globals',
    'runner_checkpoint_loading'
]
