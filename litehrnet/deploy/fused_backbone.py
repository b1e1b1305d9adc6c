"""Inference fast path of Lite-HRNet: norms folded, sizes precomputed, shuffle-free blocks.

:class:`FusedLiteHRNet` is built from a trained :class:`~litehrnet.LiteHRNet` and runs it for
inference only:

- every BatchNorm is folded into its conv (:func:`fold_batchnorm`);
- the branch sizes follow from the input size alone, so pooling windows, upsampling factors,
  split and reshape sizes are Python ints (:mod:`.static_ops`); with ``static_input_size``
  nothing is read off tensor shapes at all, which is what lets ONNX export keep a dynamic batch
  axis while adaptive pooling becomes a plain ``AveragePool``;
- channel splits are views and each shuffle is a single copy; optionally (``shuffle_free``)
  Lite blocks run without them (:class:`ShuffleFreeChannelWeighting`): channels are never split,
  concatenated or shuffled, their storage order is tracked instead and folded into the weights
  of the convs that read them (:mod:`.channel_order`); outputs are put back in logical order;
- nearest upsampling is folded into the add/multiply that consumes it, and ReLUs and sums work
  in place.

Outputs equal the eager model's up to float rounding (the norm folding and summation order),
about 1e-6 relative.
"""
from typing import List, Optional, Sequence, Tuple


import torch.nn.functional as F
from torch import Tensor, nn

from ..backbone import LiteHRNet
from ..modules import Stem
from .channel_order import Order, padded_order, permuted_chain, permuted_conv, restoring_index
from .fuse_batchnorm import fold_batchnorm
from .fused_module import FusedLiteHRModule, _conv_chain
from .static_ops import Size, branch_sizes, shuffle_concat, split_halves


def _stem(m: Stem, x: Tensor, size: Size) -> Tensor:
    x = m.conv1(x)
    x1, x2 = split_halves(x, m.conv1.out_channels // 2)
    x2 = m.linear_conv(m.depthwise_conv(m.expand_conv(x2)))
    return shuffle_concat(m.branch1(x1), x2, m.linear_conv.out_channels, size)


def _reordered_transition(transition: nn.ModuleList, orders: List[Order],
                          multiple: int) -> Tuple[nn.ModuleList, List[Order]]:
    """Transition layers reading their source branch's order; a new or widened branch is written
    in logical order, padded to ``multiple`` channels."""
    layers, out_orders = [], []
    for j, layer in enumerate(transition):
        source = orders[min(j, len(orders) - 1)]
        if layer is None:
            layers.append(None)
            out_orders.append(source)
            continue
        last_conv = layer[-1][2] if isinstance(layer[0], nn.Sequential) else layer[2]
        target = padded_order(last_conv.out_channels, multiple)
        layers.append(permuted_chain(layer, source, target))
        out_orders.append(target)
    return nn.ModuleList(layers), out_orders


def _reordered_head(projects: nn.ModuleList,
                    orders: List[Order]) -> Tuple[nn.ModuleList, List[Order]]:
    """Each projection reads branch k in ``orders[k]`` and writes the order of the branch it is
    added to next (k - 1); the highest one writes logical order."""
    rebuilt, out_orders = [], []
    for k, project in zip(range(len(orders) - 1, -1, -1), projects):
        target = orders[k - 1] if k > 0 else None
        rebuilt.append(nn.Sequential(
            permuted_conv(project.depthwise_conv.conv, orders[k]),
            permuted_conv(project.pointwise_conv.conv, orders[k], target),
            nn.ReLU(inplace=True)))
        out_orders.append(target)
    return nn.ModuleList(rebuilt), out_orders[::-1]


class FusedLiteHRNet(nn.Module):
    """Inference-only Lite-HRNet built from a trained one.

    Args:
        backbone: a :class:`LiteHRNet`; its norms are folded in place, so it should not be used
            for training afterwards.
        static_input_size: (H, W) fixing the input size: branch sizes are then never read off
            tensors (for ONNX export with a dynamic batch axis). None reads (H, W) from the input.
        shuffle_free: run the Lite blocks without channel splits and shuffles (all stages must
            be Lite). It saves the copies but applies the per-channel transforms to all
            channels instead of half of them: on 2 AVX2 cores it was slower, in PyTorch and in
            onnxruntime, at every batch and input size measured (docs/benchmarks.md), hence
            off by default; try it where copies cost more than arithmetic.
        channel_multiple: with ``shuffle_free``, store every branch with zero channels appended
            up to a multiple of this (16 lets onnxruntime keep the whole graph in its AVX-512
            blocked layout; 1 pads nothing).

    Shapes: as :class:`LiteHRNet`: (N, 3, H, W) -> tuple of (N, C_k, H_k, W_k), k in
    ``out_indices``.
    """

    def __init__(self, backbone: LiteHRNet, static_input_size: Optional[Size] = None,
                 shuffle_free: bool = False, channel_multiple: int = 1) -> None:
        super().__init__()
        fold_batchnorm(backbone)
        for module in backbone.modules():
            if hasattr(module, 'with_cp'):
                module.with_cp = False  # checkpointing only serves training
        types = backbone.stages_spec['module_type']
        if shuffle_free and not all(t.upper() == 'LITE' for t in types):
            raise ValueError(f'shuffle_free needs Lite stages only, got module types {types}')
        multiple = channel_multiple if shuffle_free else 1
        self.stem = backbone.stem
        self.transitions, self.stages = nn.ModuleList(), nn.ModuleList()
        orders: List[Order] = [None]
        for i in range(backbone.num_stages):
            layers, orders = _reordered_transition(getattr(backbone, f'transition{i}'), orders,
                                                   multiple)
            modules = nn.ModuleList()
            for module in getattr(backbone, f'stage{i}'):
                modules.append(FusedLiteHRModule(module, orders, shuffle_free))
                orders = modules[-1].out_orders
            self.transitions.append(layers)
            self.stages.append(modules)
        self.head = None
        if backbone.with_head:
            self.head, orders = _reordered_head(backbone.head_layer.projects, orders)
        self.out_indices = backbone.out_indices
        self.out_channels_all = backbone.out_channels_all
        self.num_branches = max(backbone.stages_spec['num_branches'])
        self.static_input_size = static_input_size
        self._register_restoring_indices(orders)

    def _register_restoring_indices(self, orders: List[Order]) -> None:
        self.reordered = [orders[k] is not None for k in self.out_indices]
        for k in self.out_indices:
            self.register_buffer(f'restore{k}',
                                 restoring_index(orders[k], self.out_channels_all[k]))

    @property
    def out_channels(self) -> List[int]:
        return [self.out_channels_all[k] for k in self.out_indices]

    def _sizes(self, x: Tensor) -> List[Size]:
        size = self.static_input_size or (int(x.shape[-2]), int(x.shape[-1]))
        return branch_sizes(size, self.num_branches)

    def _head(self, x: List[Tensor], sizes: Sequence[Size]) -> List[Tensor]:
        y: List[Tensor] = []
        last = None
        for k, project in zip(range(len(x) - 1, -1, -1), self.head):
            s = x[k]
            if last is not None:
                s = s + F.interpolate(last, size=sizes[k], mode='bilinear', align_corners=True)
            last = project(s)
            y.append(last)
        return y[::-1]

    def _outputs(self, branches: List[Tensor]) -> Tuple[Tensor, ...]:
        return tuple(
            branches[k].index_select(1, getattr(self, f'restore{k}')) if reordered
            else branches[k] for k, reordered in zip(self.out_indices, self.reordered))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        sizes = self._sizes(x)
        branches = [_stem(self.stem, x, sizes[0])]
        for transition, modules in zip(self.transitions, self.stages):
            branches = [branches[min(j, len(branches) - 1)] if layer is None
                        else _conv_chain(layer, branches[min(j, len(branches) - 1)])
                        for j, layer in enumerate(transition)]
            for module in modules:
                branches = module(branches, sizes)
        if self.head is not None:
            branches = self._head(branches, sizes)
        return self._outputs(branches)
