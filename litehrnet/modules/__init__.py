"""The building blocks of Lite-HRNet, one concept per file: tensor operations (``ops``),
convolution units (``layers``), the stem, the blocks of the branches (spatial,
cross-resolution and conditional channel weighting; the ShuffleNet unit), the transitions, the
fuse layers and the module that ties blocks and fusion together, the IterativeHead, and the
backbone's outputs. Each block owns its inference form (``switch_to_deploy``, see
``deploy_form``), with the channel relabelling of the shuffle-free form (``channel_order``).
"""
from .branch_outputs import BranchOutputs
from .conditional_channel_weighting import ConditionalChannelWeighting
from .cross_resolution_weighting import CrossResolutionWeighting
from .deploy_form import DeployForm
from .fuse_layers import DownsampleFuse, NearestUpsampleAdd, UpsampleFuse, build_fuse_layers
from .iterative_head import IterativeHead
from .layers import ConvModule, DepthwisePointwise, DepthwiseSeparable
from .lite_hr_module import MODULE_TYPES, LiteHRModule
from .ops import branch_sizes, channel_shuffle, shuffle_concat
from .shuffle_unit import ShuffleUnit
from .spatial_weighting import SpatialWeighting
from .stem import Stem
from .transition import Transition

__all__ = [
    'BranchOutputs', 'ConditionalChannelWeighting', 'ConvModule', 'CrossResolutionWeighting',
    'DeployForm', 'DepthwisePointwise', 'DepthwiseSeparable', 'DownsampleFuse', 'IterativeHead',
    'LiteHRModule', 'MODULE_TYPES', 'NearestUpsampleAdd', 'ShuffleUnit', 'SpatialWeighting',
    'Stem', 'Transition', 'UpsampleFuse', 'branch_sizes', 'build_fuse_layers',
    'channel_shuffle', 'shuffle_concat'
]
