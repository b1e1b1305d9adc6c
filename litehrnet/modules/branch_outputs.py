"""The backbone's outputs: the branches it returns, in channel order."""
from typing import Dict, List, Sequence, Tuple

import torch
from torch import Tensor, nn

from .channel_order import Orders, restoring_index
from .deploy_form import DeployForm


class BranchOutputs(nn.Module):
    """Selects the returned branches; in a deploy form that stores channels out of order, puts
    each back in channel order (a gather by the non-persistent buffer ``restore_{k}``).

    Args:
        out_indices: the branches to return, 0 being the highest resolution.
        channels: every branch's width.

    Shapes: list of (N, C_k, H_k, W_k) -> tuple of those in ``out_indices``.
    """

    def __init__(self, out_indices: Sequence[int], channels: Sequence[int]) -> None:
        super().__init__()
        self.out_indices = tuple(out_indices)
        self.channels = list(channels)
        self.restored: List[int] = []

    def forward(self, branches: List[Tensor]) -> Tuple[Tensor, ...]:
        return tuple(branches[k].index_select(1, getattr(self, f'restore_{k}'))
                     if k in self.restored else branches[k] for k in self.out_indices)

    def switch_to_deploy(self, form: DeployForm, orders: Orders) -> None:
        """Gather the returned branches stored out of order back into channel order."""
        indices: Dict[int, torch.Tensor] = {
            k: restoring_index(orders[k], self.channels[k])
            for k in self.out_indices if orders[k] is not None}
        for k, index in indices.items():
            self.register_buffer(f'restore_{k}', index, persistent=False)
        self.restored = sorted(indices)
