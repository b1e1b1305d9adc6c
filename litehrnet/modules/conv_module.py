"""mmcv's ConvModule with a direct forward: conv, norm, activation, nothing else per call."""
from typing import Any

from mmcv.cnn import ConvModule as MMCVConvModule
from torch import Tensor

DEFAULT_ORDER = ('conv', 'norm', 'act')


class ConvModule(MMCVConvModule):
    """Same layers, attribute names (``conv``, ``bn``/``gn``/..., ``activate``) and checkpoint
    keys as :class:`mmcv.cnn.ConvModule`, restricted to the default ``('conv', 'norm', 'act')``
    order without explicit padding, the only form Lite-HRNet uses.

    mmcv's forward walks ``order`` with string comparisons and property look-ups on every call;
    with a few hundred of these per image that bookkeeping costs as much as the small convs
    themselves at batch 1. The submodules are still called as modules, so forward hooks (the
    FLOP counters) see every conv, norm and activation exactly as before.

    ``with_norm`` is read on every call: :func:`litehrnet.deploy.fold_batchnorm` clears it after
    folding the norm into the conv.

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
