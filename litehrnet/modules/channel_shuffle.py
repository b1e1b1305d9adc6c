"""Channel shuffle (ShuffleNet), written so that it traces cleanly for ONNX export."""
import torch
from torch import Tensor


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """Interleave the channels of ``groups`` equal channel groups.

    Args:
        x: (N, C, H, W), C divisible by ``groups``.
        groups: number of groups.

    Returns:
        (N, C, H, W) where output channel ``k * groups + g`` is input channel ``g * C/groups + k``.
    """
    # unflatten/flatten instead of view() with Python ints read off x.size(): the traced graph then
    # carries no shape constants (a dynamic batch axis survives export) and there is no assert on
    # tensor sizes to raise a TracerWarning.
    return x.unflatten(1, (groups, -1)).transpose(1, 2).flatten(1, 2)


def shuffle_concat(a: Tensor, b: Tensor) -> Tensor:
    """``channel_shuffle(torch.cat((a, b), dim=1), 2)`` in one copy instead of two.

    Output channel ``2k`` is ``a[:, k]`` and ``2k + 1`` is ``b[:, k]``: stacking on a new axis
    after the channels writes exactly that layout, and merging the two axes is then a view.

    Shapes: a, b (N, C, H, W) -> (N, 2C, H, W).
    """
    return torch.stack((a, b), dim=2).flatten(1, 2)
