"""How a Lite-HRNet is written for inference, and the interface through which its blocks become
that form.

Every block with an inference form of its own has ``switch_to_deploy(form, orders) -> orders``:
it folds its norms into its convs, stops gradient checkpointing, and, when the branches it reads
are stored with their channels out of order (``orders``, see :mod:`.channel_order`), re-indexes
its weights to read them as they are; it returns the order in which it writes its outputs.
A parent calls its children in the order data flows through them, passing each one's output
orders on; nothing is rewritten from outside the block that owns it.
"""
from dataclasses import dataclass, replace
from typing import Sequence


@dataclass(frozen=True)
class DeployForm:
    """The inference form of a Lite-HRNet.

    Attributes:
        shuffle_free: run the Lite blocks on all channels of every branch, without channel
            splits, concatenations or shuffles: each shuffle becomes a relabelling of the
            channels that the layers reading them absorb into their weights (Lite stages
            only; a backbone with Naive stages keeps the split form). False: the trained
            structure, norms folded.
        channel_multiple: with ``shuffle_free``, store every branch with zero channels appended
            up to a multiple of this (16 suits onnxruntime's AVX-512 blocked layout; 1 pads
            nothing).
    """
    shuffle_free: bool = False
    channel_multiple: int = 1

    def for_module_types(self, module_types: Sequence[str]) -> 'DeployForm':
        """This form as a backbone with stages of ``module_types`` can take it: Naive stages
        (ShuffleNet units, whose 1x1 convs mix the channels of one half) keep the split form."""
        if self.shuffle_free and any(t.upper() != 'LITE' for t in module_types):
            return replace(self, shuffle_free=False)
        return self
