"""Channel shuffle (ShuffleNet), written so that it traces cleanly for ONNX export."""
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
