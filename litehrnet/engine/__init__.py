"""Runner glue shared by the pose and segmentation tools."""
from .cli import add_common_arguments, load_config

__all__ = ['add_common_arguments', 'load_config']
