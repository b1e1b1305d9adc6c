"""LiteHRModule: the blocks of every branch, then the fusion in which every output branch sums
all branches brought to its width and resolution (original code: HRNet/Lite-HRNet,
``models/backbones/litehrnet.py``, ``LiteHRModule``)."""
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from .channel_order import Orders
from .conditional_channel_weighting import ConditionalChannelWeighting
from .deploy_form import DeployForm
from .fuse_layers import build_fuse_layers
from .ops import Size
from .shuffle_unit import ShuffleUnit

MODULE_TYPES = ('LITE', 'NAIVE')


@contextmanager
def _recorded_norm_inputs(module: nn.Module) -> Iterator[List[Tuple[_BatchNorm, Tensor]]]:
    """The (norm, input) of every BatchNorm call inside ``module`` while in the context."""
    records: List[Tuple[_BatchNorm, Tensor]] = []
    handles = [m.register_forward_pre_hook(lambda m, args: records.append((m, args[0])))
               for m in module.modules() if isinstance(m, _BatchNorm)]
    try:
        yield records
    finally:
        for handle in handles:
            handle.remove()


@torch.no_grad()
def _update_statistics_again(layer: nn.Module, x: Tensor,
                             records: List[Tuple[_BatchNorm, Tensor]]) -> None:
    """Update the running statistics of ``layer``'s norms as a second call of ``layer(x)``
    in training mode would, without recomputing its convolutions: a second call sees the same
    inputs, so each norm's update from its recorded input is the same (same kernel, same
    values). Norms that synchronise across processes get the real second call."""
    if any('Sync' in type(norm).__name__ for norm, _ in records):
        layer(x)
        return
    for norm, inputs in records:
        if not (norm.training and norm.track_running_stats):
            continue
        norm.num_batches_tracked.add_(1)
        momentum = (1.0 / float(norm.num_batches_tracked) if norm.momentum is None
                    else norm.momentum)
        F.batch_norm(inputs, norm.running_mean, norm.running_var, None, None, True, momentum,
                     norm.eps)


class LiteHRModule(nn.Module):
    """``num_blocks`` blocks on every branch (conditional channel weighting across all branches
    for 'LITE', independent ShuffleNet units per branch for 'NAIVE'), then a fusion in which every
    output branch sums all branches brought to its width and resolution.

    The fusion reproduces the original code's in-place aliasing, on which the released
    checkpoints were trained (``y = out[0]`` followed by ``y += ...`` for all j, j == 0 included;
    see docs/original_work.md, "Fuse layers"):

    - y_0 = 2 x_0 + sum_{j>0} F_0j(x_j)
    - y_i = 2 F_i0(y_0) + x_i + sum_{j>0, j!=i} F_ij(x_j)    for i > 0, using y_0 before ReLU

    and every output is ReLU(y_i). F_i0(y_0) is computed once and doubled, bit-identical to
    the original's two calls (BatchNorm gives the same output twice), and the gradient through
    it is the original's sum of two equal gradients; in training, the norms of F_i0 update
    their running statistics a second time from the same inputs, as the original's second
    call did.

    Args:
        num_branches: number of parallel branches.
        num_blocks: blocks per branch.
        in_channels: channels of each branch, highest resolution first.
        reduce_ratio: reduction of the cross-resolution weighting ('LITE' only).
        module_type: 'LITE' or 'NAIVE' (case-insensitive).
        multiscale_output: output all branches, or only the highest-resolution one.
        with_fuse: build the fuse layers.
        with_cp: gradient checkpointing in the blocks.

    Shapes: list of ``num_branches`` (N, C_k, H_k, W_k) -> list of the same shapes (one when
    ``multiscale_output`` is False); ``sizes`` the (H_k, W_k) when known in advance.
    """

    def __init__(self,
                 num_branches: int,
                 num_blocks: int,
                 in_channels: Sequence[int],
                 reduce_ratio: int,
                 module_type: str,
                 multiscale_output: bool = False,
                 with_fuse: bool = True,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 with_cp: bool = False) -> None:
        super().__init__()
        module_type = module_type.upper()
        if module_type not in MODULE_TYPES:
            raise ValueError(f'module_type must be one of {MODULE_TYPES}, got {module_type!r}')
        if len(in_channels) != num_branches:
            raise ValueError(f'num_branches ({num_branches}) != len(in_channels) '
                             f'({len(in_channels)})')
        self.in_channels = list(in_channels)
        self.num_branches = num_branches
        self.module_type = module_type
        self.multiscale_output = multiscale_output
        self.with_fuse = with_fuse
        block_cfg = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, with_cp=with_cp)
        if module_type == 'LITE':
            self.layers = nn.Sequential(*(
                ConditionalChannelWeighting(self.in_channels, stride=1, reduce_ratio=reduce_ratio,
                                            **block_cfg) for _ in range(num_blocks)))
        else:
            self.layers = nn.ModuleList(
                nn.Sequential(*(ShuffleUnit(c, **block_cfg) for _ in range(num_blocks)))
                for c in self.in_channels)
        if with_fuse and num_branches > 1:
            num_out = num_branches if multiscale_output else 1
            self.fuse_layers = build_fuse_layers(self.in_channels, num_out, conv_cfg, norm_cfg)
            self.relu = nn.ReLU()
        else:
            self.fuse_layers = None

    def _blocks(self, x: List[Tensor], sizes: Sequence[Optional[Size]]) -> List[Tensor]:
        if self.module_type == 'LITE':
            static = None if sizes[0] is None else sizes
            for block in self.layers:
                x = block(x, static)
            return x
        out = []
        for branch, s, size in zip(self.layers, x, sizes):
            for unit in branch:
                s = unit(s, size)
            out.append(s)
        return out

    def _add_branch_(self, y: Tensor, i: int, j: int, x: Tensor,
                     sizes: Sequence[Optional[Size]]) -> Tensor:
        """``y += F_ij(x)`` in place (use the returned tensor): lower-resolution branches
        upsample straight into ``y``."""
        layer = self.fuse_layers[i][j]
        if j > i:
            return layer(x, y, sizes[j], sizes[i])
        return y.add_(layer(x))

    def _doubled_from_branch0(self, i: int, y0: Tensor) -> Tensor:
        """2 F_i0(y_0), with the norms of F_i0 updating their statistics twice in training
        (see the class docstring)."""
        layer = self.fuse_layers[i][0]
        if not self.training:
            first = layer(y0)
            return first + first
        with _recorded_norm_inputs(layer) as records:
            first = layer(y0)
        _update_statistics_again(layer, y0, records)
        return first + first

    def _fuse(self, x: List[Tensor], sizes: Sequence[Optional[Size]]) -> List[Tensor]:
        y0 = x[0] + x[0]
        for j in range(1, self.num_branches):
            y0 = self._add_branch_(y0, 0, j, x[j], sizes)
        out = [self.relu(y0)]
        for i in range(1, len(self.fuse_layers)):
            y = self._doubled_from_branch0(i, y0)
            for j in range(1, self.num_branches):
                if j == i:
                    y = y.add_(x[j])
                else:
                    y = self._add_branch_(y, i, j, x[j], sizes)
            out.append(self.relu(y))
        return out

    def forward(self, x: List[Tensor],
                sizes: Optional[Sequence[Size]] = None) -> List[Tensor]:
        sizes = list(sizes[:self.num_branches]) if sizes else [None] * self.num_branches
        out = self._blocks(list(x), sizes)
        if self.fuse_layers is not None:
            return self._fuse(out, sizes)
        return out if self.multiscale_output else [out[0]]

    def switch_to_deploy(self, form: DeployForm, orders: Orders) -> Orders:
        """The blocks, then every fuse path from branch j to branch i reading ``orders[j]`` and
        writing ``orders[i]`` (so that branch i itself is added as it is); returns the orders
        of the outputs."""
        if self.module_type == 'LITE':
            for block in self.layers:
                orders = block.switch_to_deploy(form, orders)
        else:
            for branch in self.layers:
                for unit in branch:
                    unit.switch_to_deploy()
        if self.fuse_layers is None:
            return orders if self.multiscale_output else orders[:1]
        for i, row in enumerate(self.fuse_layers):
            for j, layer in enumerate(row):
                if layer is not None:
                    layer.switch_to_deploy(orders[j], orders[i])
        return orders[:len(self.fuse_layers)]
