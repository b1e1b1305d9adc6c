"""Pictures of poses: skeletons (draw_pose), heatmaps, captioned panels, and the hook that
draws validation predictions during training."""
from .draw_pose import draw_pose, scaled_sizes
from .heatmaps import heatmap_in_image, overlay_heatmap, summed_heatmap
from .panels import caption, font_scale, side_by_side
from .pose_visualization_hook import PoseVisualizationHook

__all__ = ['draw_pose', 'scaled_sizes', 'heatmap_in_image', 'overlay_heatmap', 'summed_heatmap',
           'caption', 'font_scale', 'side_by_side', 'PoseVisualizationHook']
