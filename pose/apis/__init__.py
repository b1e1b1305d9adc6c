"""Python API for pose estimation."""
from .inference import inference_topdown, init_model

__all__ = ['init_model', 'inference_topdown']
