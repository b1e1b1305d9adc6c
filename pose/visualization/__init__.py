"""Drawing of pose predictions."""
from .draw_pose import draw_pose

__all__ = ['draw_pose']
