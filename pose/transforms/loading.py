"""Image loading: the shared ``engine.LoadImage``, registered in the pose registry."""
from engine import LoadImage
from pose.registry import TRANSFORMS

TRANSFORMS.register_module(module=LoadImage)

__all__ = ['LoadImage']
