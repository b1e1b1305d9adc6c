"""The transition layers that adapt one stage's branches to the next stage's (original code:
HRNet/Lite-HRNet, ``models/backbones/litehrnet.py``, ``LiteHRNet._make_transition_layer``)."""
from typing import List, Optional, Sequence

from torch import Tensor, nn

from .channel_order import Orders, padded_order
from .deploy_form import DeployForm
from .layers import DepthwisePointwise


class Transition(nn.ModuleList):
    """One layer per new branch, indexed as the released checkpoints' keys
    ``transition{s}.{i}.{step}.{k}`` index them:

    - an existing branch whose width changes: stride-1 depthwise/pointwise unit;
    - an existing branch of unchanged width: ``None`` (identity);
    - a new branch: a chain of stride-2 units from the previous stage's lowest-resolution
      branch, as ``Sequential(DepthwisePointwise, ...)``.

    Shapes: list of len(pre_channels) (N, C_k, H_k, W_k) -> list of len(cur_channels) maps of
    widths ``cur_channels``, each new branch at half the resolution of the one before.
    """

    def __init__(self,
                 pre_channels: Sequence[int],
                 cur_channels: Sequence[int],
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN')) -> None:
        layers: List[Optional[nn.Module]] = []
        num_pre = len(pre_channels)
        for i, c in enumerate(cur_channels):
            if i < num_pre:
                changed = c != pre_channels[i]
                layers.append(DepthwisePointwise(pre_channels[i], c, 1, True, conv_cfg, norm_cfg)
                              if changed else None)
                continue
            c_in = pre_channels[-1]
            num_steps = i + 1 - num_pre
            layers.append(nn.Sequential(*(
                DepthwisePointwise(c_in, c if step == num_steps - 1 else c_in, 2, True,
                                   conv_cfg, norm_cfg) for step in range(num_steps))))
        super().__init__(layers)

    def forward(self, branches: List[Tensor]) -> List[Tensor]:
        out = []
        for j, layer in enumerate(self):
            source = branches[min(j, len(branches) - 1)]
            out.append(source if layer is None else layer(source))
        return out

    def switch_to_deploy(self, form: DeployForm, orders: Orders) -> Orders:
        """Fold the norms; read each source branch in its order. A new or widened branch is
        written in logical order, padded to ``form.channel_multiple`` channels in the
        shuffle-free form."""
        out_orders = []
        for j, layer in enumerate(self):
            source = orders[min(j, len(orders) - 1)]
            if layer is None:
                out_orders.append(source)
                continue
            units = [layer] if isinstance(layer, DepthwisePointwise) else list(layer)
            target = (padded_order(units[-1].pointwise.out_channels, form.channel_multiple)
                      if form.shuffle_free else None)
            for k, unit in enumerate(units):
                unit.switch_to_deploy(source if k == 0 else None,
                                      target if k == len(units) - 1 else None)
            out_orders.append(target)
        return out_orders
