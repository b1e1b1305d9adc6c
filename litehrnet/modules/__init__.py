"""The building blocks of Lite-HRNet, one per file."""
from .channel_shuffle import channel_shuffle, shuffle_concat
from .conditional_channel_weighting import ConditionalChannelWeighting
from .cross_resolution_weighting import CrossResolutionWeighting
from .conv_module import ConvModule
from .depthwise_pointwise import depthwise_pointwise
from .fuse_layers import NearestUpsampleAdd, UpsampleFuse, build_fuse_layers, downsample_fuse
from .iterative_head import IterativeHead
from .lite_hr_module import LiteHRModule
from .shuffle_unit import ShuffleUnit
from .spatial_weighting import SpatialWeighting
from .stem import Stem
from .transition import build_transition

__all__ = [
    'channel_shuffle', 'shuffle_concat', 'ConditionalChannelWeighting', 'ConvModule',
    'CrossResolutionWeighting', 'depthwise_pointwise', 'NearestUpsampleAdd', 'UpsampleFuse', 'build_fuse_layers',
    'downsample_fuse', 'IterativeHead', 'LiteHRModule', 'ShuffleUnit', 'SpatialWeighting', 'Stem',
    'build_transition'
]
