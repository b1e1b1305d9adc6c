"""Pictures of poses: skeletons (draw_pose), silhouettes (draw_masks), heatmaps, captioned
panels, and the hook that draws validation predictions during training."""
from .draw_masks import PERSON_COLORS, draw_masks, person_colors
from .draw_pose import draw_pose, scaled_sizes
from .heatmaps import heatmap_in_image, overlay_heatmap, summed_heatmap
from .panels import caption, font_scale, side_by_side
from .pose_visualization_hook import PoseVisualizationHook

__all__ = ['draw_pose', 'scaled_sizes', 'draw_masks', 'person_colors', 'PERSON_COLORS',
           'heatmap_in_image', 'overlay_heatmap', 'summed_heatmap', 'caption', 'font_scale',
           'side_by_side', 'PoseVisualizationHook']
