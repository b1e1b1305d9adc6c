"""One Lite-HRNet module (blocks, then fuse layers) on the fused path."""
from typing import List, Sequence

from torch import Tensor, nn

from ..modules import LiteHRModule
from .channel_order import Order, permuted_chain, permuted_conv
from .fused_blocks import ShuffleUnitBranches, SplitShuffleChannelWeighting
from .shuffle_free_weighting import ShuffleFreeChannelWeighting
from .static_ops import Size, upsample_add_


def _conv_chain(seq: nn.Sequential, x: Tensor) -> Tensor:
    """A folded depthwise/pointwise unit (conv, Identity, conv, Identity[, ReLU]), or a
    Sequential of them, skipping the Identities."""
    for layer in seq:
        if isinstance(layer, nn.Sequential):
            x = _conv_chain(layer, x)
        elif isinstance(layer, nn.ReLU):
            x = x.relu_()
        elif not isinstance(layer, nn.Identity):
            x = layer(x)
    return x


def _reordered_fuse_layers(fuse_layers: nn.ModuleList, orders: Sequence[Order]) -> nn.ModuleList:
    """``[i][j]``: branch j (stored in ``orders[j]``) to branch i's width and resolution, written
    in ``orders[i]`` (so that branch i itself is added without reordering); an upsampling path
    keeps only its 1x1 conv."""
    rows = []
    for i, row in enumerate(fuse_layers):
        rebuilt = []
        for j, layer in enumerate(row):
            if layer is None:
                rebuilt.append(None)
            elif j > i:
                rebuilt.append(permuted_conv(layer[0], orders[j], orders[i]))
            else:
                rebuilt.append(permuted_chain(layer, orders[j], orders[i]))
        rows.append(nn.ModuleList(rebuilt))
    return nn.ModuleList(rows)


class FusedLiteHRModule(nn.Module):
    """A folded :class:`LiteHRModule` whose input branches are stored in ``orders``.

    Args:
        module: the folded module.
        orders: channel order of each input branch (None: logical).
        shuffle_free: run 'LITE' blocks without splits and shuffles
            (:class:`ShuffleFreeChannelWeighting`); needs nothing else of the inputs.

    ``out_orders``: the channel order of each output branch. Shapes: as :class:`LiteHRModule`.
    """

    def __init__(self, module: LiteHRModule, orders: Sequence[Order], shuffle_free: bool) -> None:
        super().__init__()
        self.num_branches = module.num_branches
        self.multiscale_output = module.multiscale_output
        orders = list(orders)
        if (module.module_type != 'LITE' or not shuffle_free) and any(
                o is not None for o in orders):
            raise ValueError('split/shuffle blocks need their inputs in logical channel order')
        blocks: List[nn.Module] = []
        if module.module_type == 'LITE':
            for block in module.layers:
                if shuffle_free:
                    blocks.append(ShuffleFreeChannelWeighting(block, orders))
                    orders = blocks[-1].out_orders
                else:
                    blocks.append(SplitShuffleChannelWeighting(block))
        else:
            blocks = [ShuffleUnitBranches([branch[k] for branch in module.layers])
                      for k in range(len(module.layers[0]))]
        self.blocks = nn.ModuleList(blocks)
        self.fuse_layers = (None if module.fuse_layers is None
                            else _reordered_fuse_layers(module.fuse_layers, orders))
        self.out_orders = orders if self.fuse_layers is not None or self.multiscale_output \
            else orders[:1]

    def _add_from_branch_(self, y: Tensor, i: int, j: int, x: Tensor,
                          sizes: Sequence[Size]) -> Tensor:
        layer = self.fuse_layers[i][j]
        if j > i:
            return upsample_add_(y, layer(x), sizes[i], sizes[j])
        return y.add_(_conv_chain(layer, x))

    def _fuse(self, x: List[Tensor], sizes: Sequence[Size]) -> List[Tensor]:
        """The fuse layers with the original's aliasing quirk (see :class:`LiteHRModule`)."""
        y0 = x[0] + x[0]
        for j in range(1, self.num_branches):
            y0 = self._add_from_branch_(y0, 0, j, x[j], sizes)
        out = [y0]
        for i in range(1, len(self.fuse_layers)):
            # 2 * F_i0(y0): the original evaluated F_i0 twice and summed; doubling is exact.
            y = _conv_chain(self.fuse_layers[i][0], y0).mul_(2)
            for j in range(1, self.num_branches):
                y = y.add_(x[j]) if j == i else self._add_from_branch_(y, i, j, x[j], sizes)
            out.append(y.relu_())
        # y0 feeds every F_i0 before its ReLU, so it is activated last.
        out[0] = y0.relu_()
        return out

    def forward(self, x: List[Tensor], sizes: Sequence[Size]) -> List[Tensor]:
        for block in self.blocks:
            x = block(x, sizes)
        if self.fuse_layers is not None:
            return self._fuse(x, sizes)
        return x if self.multiscale_output else [x[0]]
