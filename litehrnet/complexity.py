"""Parameter and FLOP counts, in the published table's convention and in standard MACs.

The published Lite-HRNet table was produced with a vendored torchstat (the original repository's
``tools/summary_network.py``; docs/original_work.md, "FLOP counting rules"): forward hooks on leaf
modules, each module's cost *assigned* on every call (a module called twice counts once, with its
last call), conv multiply-accumulates (+ bias adds), BatchNorm 2 x numel, ReLU numel, and
``nn.Upsample`` as batch x H_out x W_out (its channels were forgotten), ``nn.AdaptiveAvgPool2d``
as the sum over output cells of C x (cell height + 1) x (cell width + 1); everything functional
(interpolate, adaptive pooling, sums, products) and sigmoids count 0. The total was printed
in "M" = 2**20. :func:`published_flops` applies exactly those rules; :func:`standard_macs` counts
every multiply-accumulate of every call once, by mmengine's FlopAnalyzer.
"""
from typing import Callable, Dict, Sequence

import torch
from mmengine.analysis import FlopAnalyzer
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from .modules import NearestUpsampleAdd

MEBI = 2**20
# FlopAnalyzer's names of the operators that multiply matrices (convolutions included).
_MATRIX_OPERATORS = ('conv', 'linear', 'matmul', 'addmm', 'bmm', 'einsum')


def count_parameters(model: nn.Module) -> int:
    """Number of parameters (trainable or not)."""
    return sum(p.numel() for p in model.parameters())


def _conv_cost(module: nn.Conv2d, out: Tensor) -> int:
    n, c_out, h, w = out.shape
    cost = module.kernel_size[0] * module.kernel_size[1] * module.in_channels * (
        c_out // module.groups) * n * h * w
    if module.bias is not None:
        cost += c_out * n * h * w
    return cost


def _adaptive_pool_cells(in_size: int, out_size: int) -> int:
    """Sum over output cells of (extent + 1), the vendored counter's rule along one axis."""
    return sum(-(-(i + 1) * in_size // out_size) - i * in_size // out_size + 1
               for i in range(out_size))


def _published_rule(module: nn.Module, inputs: tuple, out: Tensor) -> int:
    if isinstance(module, nn.Conv2d):
        return _conv_cost(module, out)
    if isinstance(module, _BatchNorm):
        return inputs[0].numel() * (2 if module.affine else 1)
    if isinstance(module, (nn.ReLU, nn.ReLU6, nn.PReLU, nn.ELU, nn.LeakyReLU)):
        return inputs[0].numel()
    if isinstance(module, (nn.Upsample, NearestUpsampleAdd)):
        return out.shape[0] * out.shape[-2] * out.shape[-1]
    if isinstance(module, nn.AdaptiveAvgPool2d):
        n, c, h, w = inputs[0].shape
        return n * c * _adaptive_pool_cells(h, out.shape[-2]) * _adaptive_pool_cells(
            w, out.shape[-1])
    if isinstance(module, nn.Linear):
        return inputs[0].shape[0] * module.in_features * module.out_features
    return 0


def _run_with_leaf_hooks(model: nn.Module, forward: Callable[[], object],
                         hook: Callable) -> None:
    handles = [m.register_forward_hook(hook) for m in model.modules()
               if not list(m.children())]
    try:
        with torch.no_grad():
            forward()
    finally:
        for h in handles:
            h.remove()


def published_flops(model: nn.Module, inputs: Tensor) -> int:
    """Raw count under the published table's rules (divide by :data:`MEBI` for its "M")."""
    per_module: Dict[nn.Module, int] = {}

    def hook(module, args, out):
        per_module[module] = _published_rule(module, args, out)

    was_training = model.training
    model.eval()
    _run_with_leaf_hooks(model, lambda: model(inputs), hook)
    model.train(was_training)
    return sum(per_module.values())


def standard_macs(model: nn.Module, inputs: Tensor) -> int:
    """Multiply-accumulates of every conv and matrix product of every call, as mmengine's
    ``FlopAnalyzer`` counts them (it traces the model; one multiply-accumulate is one "flop"
    there)."""
    was_training = model.training
    model.eval()
    analyzer = FlopAnalyzer(model, (inputs, ))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    with torch.no_grad():
        by_operator = analyzer.by_operator()
    model.train(was_training)
    return sum(by_operator.get(op, 0) for op in _MATRIX_OPERATORS)


class BackboneWithHead(nn.Sequential):
    """A backbone followed by a 1x1 conv (with bias) on its first output: the model the published
    table counted (its keypoint head has no deconvolutions).

    Shapes: (N, 3, H, W) -> (N, num_outputs, H/4, W/4).
    """

    def __init__(self, backbone: nn.Module, in_channels: int, num_outputs: int) -> None:
        super().__init__()
        self.backbone = backbone
        self.final_layer = nn.Conv2d(in_channels, num_outputs, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        return self.final_layer(self.backbone(x)[0])


def dummy_input(shape: Sequence[int]) -> Tensor:
    """A (1, 3, H, W) input from ``(H, W)``."""
    return torch.zeros(1, 3, *shape)
