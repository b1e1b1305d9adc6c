"""The convolution units every Lite-HRNet block is made of: conv + norm + activation, and the
depthwise 3x3 + pointwise 1x1 pair (in two key layouts the released checkpoints fix).

Each unit folds its BatchNorms into its convs in deploy mode (mmcv's ``fuse_conv_bn``) and can
re-index its weights to read and write branches whose channels are stored out of order
(:mod:`.channel_order`).
"""
from typing import Any, Optional

import torch
from mmcv.cnn import ConvModule as MMCVConvModule
from mmcv.cnn import build_conv_layer, build_norm_layer, fuse_conv_bn
from torch import Tensor, nn

from .channel_order import Order, permuted_conv

DEFAULT_ORDER = ('conv', 'norm', 'act')


class ConvModule(MMCVConvModule):
    """mmcv's ConvModule with a direct forward: conv, norm, activation, nothing else per call.

    Same layers, attribute names (``conv``, ``bn``/``gn``/..., ``activate``) and checkpoint keys
    as :class:`mmcv.cnn.ConvModule`, restricted to the default ``('conv', 'norm', 'act')`` order
    without explicit padding, the only form Lite-HRNet uses.

    mmcv's forward walks ``order`` with string comparisons and property look-ups on every call;
    with a few hundred of these per image that bookkeeping costs as much as the small convs
    themselves at batch 1. The submodules are still called as modules, so forward hooks (the
    FLOP counters) see every conv, norm and activation exactly as before.

    ``with_norm`` is read on every call: :meth:`switch_to_deploy` clears it after folding the
    norm into the conv.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H', W').
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tuple(self.order) != DEFAULT_ORDER or self.with_explicit_padding:
            raise ValueError(f'{type(self).__name__} supports the order {DEFAULT_ORDER} without '
                             f'explicit padding, got order={self.order}')

    def forward(self, x: Tensor) -> Tensor:  # type: ignore[override]
        x = self.conv(x)
        if self.with_norm:
            x = getattr(self, self.norm_name)(x)
        if self.with_activation:
            x = self.activate(x)
        return x

    @torch.no_grad()
    def switch_to_deploy(self, in_order: Order = None, out_order: Order = None) -> None:
        """Fold a BatchNorm into the conv; read channels stored in ``in_order`` and write
        ``out_order`` (a depthwise conv writes its input order)."""
        fuse_conv_bn(self)
        if self.with_norm and isinstance(getattr(self, self.norm_name), nn.Identity):
            self.with_norm = False
        if in_order is not None or out_order is not None:
            _require_folded(self.with_norm, type(self).__name__)
            self.conv = permuted_conv(self.conv, in_order, out_order)


class DepthwisePointwise(nn.Sequential):
    """3x3 depthwise conv, norm, 1x1 conv, norm, and optionally ReLU: the unit of the
    transitions and of the downsampling fuse paths.

    A Sequential (not ConvModules) because the released checkpoints index these layers by
    position: ``.0.weight`` (depthwise), ``.1.*`` (norm), ``.2.weight`` (pointwise), ``.3.*``.
    BatchNorm folding replaces the norms by ``nn.Identity``, keeping the positions.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, ceil(H/stride), ceil(W/stride)).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int,
                 with_relu: bool,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN')) -> None:
        layers = [
            build_conv_layer(conv_cfg, in_channels, in_channels, kernel_size=3, stride=stride,
                             padding=1, groups=in_channels, bias=False),
            build_norm_layer(norm_cfg, in_channels)[1],
            build_conv_layer(conv_cfg, in_channels, out_channels, kernel_size=1, bias=False),
            build_norm_layer(norm_cfg, out_channels)[1],
        ]
        if with_relu:
            layers.append(nn.ReLU())
        super().__init__(*layers)

    @property
    def depthwise(self) -> nn.Conv2d:
        return self[0]

    @property
    def pointwise(self) -> nn.Conv2d:
        return self[2]

    @torch.no_grad()
    def switch_to_deploy(self, in_order: Order = None, out_order: Order = None) -> None:
        """Fold the norms into the convs (each becomes ``nn.Identity``, keeping the checkpoint
        positions); read channels stored in ``in_order`` and write ``out_order``."""
        fuse_conv_bn(self)
        if in_order is not None or out_order is not None:
            _require_folded(not isinstance(self[1], nn.Identity), type(self).__name__)
            self[0] = permuted_conv(self.depthwise, in_order)
            self[2] = permuted_conv(self.pointwise, in_order, out_order)


class DepthwiseSeparable(nn.Module):
    """3x3 depthwise conv + norm, then 1x1 conv + norm + ReLU: mmcv's
    ``DepthwiseSeparableConvModule`` (same ``depthwise_conv``/``pointwise_conv`` keys, used by
    the IterativeHead) built from the direct-forward :class:`ConvModule`.

    Shapes: (N, in_channels, H, W) -> (N, out_channels, H, W).
    """

    def __init__(self, in_channels: int, out_channels: int, norm_cfg: dict) -> None:
        super().__init__()
        self.depthwise_conv = ConvModule(in_channels, in_channels, 3, padding=1,
                                         groups=in_channels, norm_cfg=norm_cfg, act_cfg=None)
        self.pointwise_conv = ConvModule(in_channels, out_channels, 1, norm_cfg=norm_cfg)

    def forward(self, x: Tensor) -> Tensor:
        return self.pointwise_conv(self.depthwise_conv(x))

    def switch_to_deploy(self, in_order: Order = None, out_order: Order = None) -> None:
        """Fold the norms; read ``in_order`` and write ``out_order``."""
        self.depthwise_conv.switch_to_deploy(in_order)
        self.pointwise_conv.switch_to_deploy(in_order, out_order)


def _require_folded(has_norm: bool, name: str) -> None:
    if has_norm:
        raise ValueError(f'{name}: channels can be re-indexed only once the norm is folded into '
                         'the conv (BatchNorm; GroupNorm mixes channels of a group)')
