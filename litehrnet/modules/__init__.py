"""The building blocks of Lite-HRNet, grouped by what they are: tensor operations (``ops``),
convolution units (``layers``), branch blocks (``blocks``), branch fusion and the module that
ties blocks and fusion together (``fusion``), and the output head (``head``)."""
from .blocks import (ConditionalChannelWeighting, CrossResolutionWeighting, ShuffleUnit,
                     SpatialWeighting, Stem)
from .fusion import (LiteHRModule, NearestUpsampleAdd, UpsampleFuse, build_fuse_layers,
                     build_transition, downsample_fuse)
from .head import IterativeHead
from .layers import ConvModule, DepthwisePointwise, DepthwiseSeparable
from .ops import branch_sizes, channel_shuffle, shuffle_concat

__all__ = [
    'ConditionalChannelWeighting', 'ConvModule', 'CrossResolutionWeighting',
    'DepthwiseSeparable', 'IterativeHead', 'LiteHRModule', 'NearestUpsampleAdd', 'ShuffleUnit',
    'SpatialWeighting', 'Stem', 'UpsampleFuse', 'branch_sizes', 'build_fuse_layers',
    'build_transition', 'channel_shuffle', 'DepthwisePointwise', 'downsample_fuse',
    'shuffle_concat'
]
