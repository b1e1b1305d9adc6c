"""One Lite-HRNet module: parallel branches of blocks, then the fuse layers."""
from typing import List, Optional, Sequence

from torch import Tensor, nn

from .conditional_channel_weighting import ConditionalChannelWeighting
from .fuse_layers import build_fuse_layers
from .shuffle_unit import ShuffleUnit

MODULE_TYPES = ('LITE', 'NAIVE')


class LiteHRModule(nn.Module):
    """``num_blocks`` blocks on every branch (conditional channel weighting across all branches
    for 'LITE', independent ShuffleNet units per branch for 'NAIVE'), then a fusion in which every
    output branch sums all branches brought to its width and resolution.

    The fusion reproduces the original code's in-place aliasing, on which the released
    checkpoints were trained (``y = out[0]`` followed by ``y += ...`` for all j, j == 0 included):

    - y_0 = 2 x_0 + sum_{j>0} F_0j(x_j)
    - y_i = 2 F_i0(y_0) + x_i + sum_{j>0, j!=i} F_ij(x_j)    for i > 0, using y_0 before ReLU

    and every output is ReLU(y_i). F_i0(y_0) is computed once and doubled, which is bit-identical
    to the original's two calls (BatchNorm gives the same output twice); the one difference is that
    in training mode those norms update their running statistics once per step instead of twice.

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
    ``multiscale_output`` is False).
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

    def _blocks(self, x: List[Tensor]) -> List[Tensor]:
        if self.module_type == 'LITE':
            return self.layers(x)
        return [branch(s) for branch, s in zip(self.layers, x)]

    def _add_branch_(self, y: Tensor, i: int, j: int, x: Tensor) -> Tensor:
        """``y += F_ij(x)`` in place (use the returned tensor): lower-resolution branches
        upsample straight into ``y``."""
        layer = self.fuse_layers[i][j]
        if j > i:
            return layer(x, y)
        return y.add_(layer(x))

    def _fuse(self, x: List[Tensor]) -> List[Tensor]:
        y0 = x[0] + x[0]
        for j in range(1, self.num_branches):
            y0 = self._add_branch_(y0, 0, j, x[j])
        out = [self.relu(y0)]
        for i in range(1, len(self.fuse_layers)):
            from_y0 = self.fuse_layers[i][0](y0)
            y = from_y0 + from_y0
            for j in range(1, self.num_branches):
                if j == i:
                    y = y.add_(x[j])
                else:
                    y = self._add_branch_(y, i, j, x[j])
            out.append(self.relu(y))
        return out

    def forward(self, x: List[Tensor]) -> List[Tensor]:
        out = self._blocks(list(x))
        if self.fuse_layers is not None:
            return self._fuse(out)
        return out if self.multiscale_output else [out[0]]
