from .heatmap_head import HeatmapHead
from .mask_head import MaskHead

__all__ = ['HeatmapHead', 'MaskHead']
