"""Building blocks shared by the heatmap codecs."""
from .gaussian_blur import gaussian_blur
from .gaussian_heatmaps import (generate_gaussian_heatmaps, generate_udp_gaussian_heatmaps,
                                generate_unbiased_gaussian_heatmaps)
from .heatmap_maximum import get_heatmap_maximum
from .refinement import refine_keypoints, refine_keypoints_dark, refine_keypoints_dark_udp

__all__ = [
    'gaussian_blur', 'generate_gaussian_heatmaps', 'generate_udp_gaussian_heatmaps',
    'generate_unbiased_gaussian_heatmaps', 'get_heatmap_maximum', 'refine_keypoints',
    'refine_keypoints_dark', 'refine_keypoints_dark_udp'
]
