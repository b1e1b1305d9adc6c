"""The original implementation's forward, replayed over a :class:`LiteHRNet`'s own modules.

This is the parity oracle for the tests and the "reference eager" baseline for benchmarks, in
train mode as in eval mode (BatchNorm statistics included): it
follows the original code (HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``) operation by
operation -- view-based channel shuffles with ``.contiguous()``, ``nn.Upsample``-style
scale-factor upsampling, the fuse layers' in-place aliasing of ``out[0]`` with every ``F_i0``
evaluated twice -- and shares nothing with :mod:`litehrnet.modules` but the parameters.
"""
import copy
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..backbone import LiteHRNet
from ..modules import (ConditionalChannelWeighting, IterativeHead, LiteHRModule, ShuffleUnit,
                       Stem, UpsampleFuse)


def _shuffle(x: Tensor, groups: int) -> Tensor:
    n, c, h, w = x.size()
    x = x.view(n, groups, c // groups, h, w)
    return torch.transpose(x, 1, 2).contiguous().view(n, -1, h, w)


def _stem(m: Stem, x: Tensor) -> Tensor:
    x = m.conv1(x)
    x1, x2 = x.chunk(2, dim=1)
    x2 = m.expand_conv(x2)
    x2 = m.depthwise_conv(x2)
    x2 = m.linear_conv(x2)
    return _shuffle(torch.cat((m.branch1(x1), x2), dim=1), 2)


def _ccw(m: ConditionalChannelWeighting, x: List[Tensor]) -> List[Tensor]:
    x = [s.chunk(2, dim=1) for s in x]
    x1 = [s[0] for s in x]
    x2 = [s[1] for s in x]
    crw = m.cross_resolution_weighting
    mini_size = x2[-1].size()[-2:]
    out = [F.adaptive_avg_pool2d(s, mini_size) for s in x2[:-1]] + [x2[-1]]
    out = crw.conv2(crw.conv1(torch.cat(out, dim=1)))
    out = torch.split(out, crw.channels, dim=1)
    x2 = [s * F.interpolate(a, size=s.size()[-2:], mode='nearest') for s, a in zip(x2, out)]
    x2 = [dw(s) for s, dw in zip(x2, m.depthwise_convs)]
    x2 = [s * sw.conv2(sw.conv1(sw.global_avgpool(s))) for s, sw in zip(x2, m.spatial_weighting)]
    out = [torch.cat([s1, s2], dim=1) for s1, s2 in zip(x1, x2)]
    return [_shuffle(s, 2) for s in out]


def _shuffle_unit(m: ShuffleUnit, x: Tensor) -> Tensor:
    x1, x2 = x.chunk(2, dim=1)
    return _shuffle(torch.cat((x1, m.branch2(x2)), dim=1), 2)


def _fuse_path(layer: nn.Module, x: Tensor, i: int, j: int) -> Tensor:
    if isinstance(layer, UpsampleFuse):
        return F.interpolate(layer[1](layer[0](x)), scale_factor=2**(j - i), mode='nearest')
    return layer(x)


def _module(m: LiteHRModule, x: List[Tensor]) -> List[Tensor]:
    if m.module_type == 'LITE':
        out = x
        for block in m.layers:
            out = _ccw(block, out)
    else:
        out = list(x)
        for i, branch in enumerate(m.layers):
            for unit in branch:
                out[i] = _shuffle_unit(unit, out[i])
    if m.fuse_layers is None:
        return out if m.multiscale_output else [out[0]]
    out_fuse = []
    for i in range(len(m.fuse_layers)):
        # Aliasing as in the original: for i == 0, y *is* out[0], and the in-place additions
        # below overwrite out[0], which every later i then reads.
        y = out[0] if i == 0 else _fuse_path(m.fuse_layers[i][0], out[0], i, 0)
        for j in range(m.num_branches):
            if i == j:
                y += out[j]
            else:
                y += _fuse_path(m.fuse_layers[i][j], out[j], i, j)
        out_fuse.append(m.relu(y))
    return out_fuse


def _iterative_head(m: IterativeHead, x: List[Tensor]) -> List[Tensor]:
    x = x[::-1]
    y = []
    last_x = None
    for i, s in enumerate(x):
        if last_x is not None:
            last_x = F.interpolate(last_x, size=s.size()[-2:], mode='bilinear',
                                   align_corners=True)
            s = s + last_x
        s = m.projects[i](s)
        y.append(s)
        last_x = s
    return y[::-1]


def reference_forward(model: LiteHRNet, x: Tensor) -> List[Tensor]:
    """All branches of ``model`` computed the original way (before ``out_indices`` selection).

    Input sides must be multiples of 32, like the original's.
    """
    x = _stem(model.stem, x)
    y_list = [x]
    for i in range(model.num_stages):
        transition = getattr(model, f'transition{i}')
        x_list = []
        for j in range(model.stages_spec['num_branches'][i]):
            if transition[j]:
                source = y_list[-1] if j >= len(y_list) else y_list[j]
                x_list.append(transition[j](source))
            else:
                x_list.append(y_list[j])
        for module in getattr(model, f'stage{i}'):
            x_list = _module(module, x_list)
        y_list = x_list
    if model.with_head:
        y_list = _iterative_head(model.head_layer, y_list)
    return y_list


class ReferenceLiteHRNet(nn.Module):
    """A drop-in backbone that runs a :class:`LiteHRNet`'s modules through
    :func:`reference_forward`: the original implementation, for baselines.

    Shapes: as :class:`LiteHRNet` (the branches in ``out_indices``).
    """

    def __init__(self, backbone: LiteHRNet) -> None:
        super().__init__()
        self.backbone = backbone

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        branches = reference_forward(self.backbone, x)
        return tuple(branches[k] for k in self.backbone.out_indices)


def reference_model(model: nn.Module) -> nn.Module:
    """A deep copy of ``model`` (a bare LiteHRNet, a pose estimator, a segmentor ...) whose
    LiteHRNets run the original implementation; same weights, same heads."""
    model = copy.deepcopy(model)
    if isinstance(model, LiteHRNet):
        return ReferenceLiteHRNet(model)
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, LiteHRNet):
                setattr(parent, name, ReferenceLiteHRNet(child))
    return model
