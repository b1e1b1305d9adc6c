"""Transition layers: adapt the previous stage's branches and create the new lower-resolution one."""
from typing import List, Optional, Sequence

from torch import nn

from .depthwise_pointwise import depthwise_pointwise


def build_transition(pre_channels: Sequence[int],
                     cur_channels: Sequence[int],
                     conv_cfg: Optional[dict] = None,
                     norm_cfg: dict = dict(type='BN')) -> nn.ModuleList:
    """One entry per branch of the new stage.

    - an existing branch whose width changes: stride-1 depthwise/pointwise unit;
    - an existing branch of unchanged width: ``None`` (identity);
    - a new branch: a chain of stride-2 units from the previous stage's lowest-resolution branch,
      as ``Sequential(Sequential(...), ...)`` (checkpoint keys ``transition{s}.{i}.{step}.{k}``).
    """
    layers: List[Optional[nn.Module]] = []
    num_pre = len(pre_channels)
    for i, c in enumerate(cur_channels):
        if i < num_pre:
            changed = c != pre_channels[i]
            layers.append(depthwise_pointwise(pre_channels[i], c, 1, True, conv_cfg, norm_cfg)
                          if changed else None)
            continue
        c_in = pre_channels[-1]
        num_steps = i + 1 - num_pre
        layers.append(nn.Sequential(*(
            depthwise_pointwise(c_in, c if step == num_steps - 1 else c_in, 2, True,
                                conv_cfg, norm_cfg) for step in range(num_steps))))
    return nn.ModuleList(layers)
