from .flip_heatmaps import flip_heatmaps

__all__ = ['flip_heatmaps']
