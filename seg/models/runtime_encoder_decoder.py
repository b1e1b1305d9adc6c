"""mmseg's EncoderDecoder that can compute its logits with an inference runtime."""
from typing import Callable, List, Optional, Tuple

from mmseg.models import EncoderDecoder
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class RuntimeEncoderDecoder(EncoderDecoder):
    """:class:`mmseg.models.EncoderDecoder` (same arguments, same checkpoint keys) whose
    backbone and decode head can be replaced at inference by ``runtime``: a function from the
    (N, 3, H, W) inputs to the decode head's logits (N, classes, H/4, W/4), such as an exported
    graph in onnxruntime (set by ``seg.apis.init_model(backend=...)``, see
    ``engine.runtimes``). Resizing the logits to the image stays mmseg's
    (``decode_head.predict_by_feat``), as in ``encode_decode``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.runtime: Optional[Callable[[Tensor], Tensor]] = None

    @property
    def input_shape(self) -> Tuple[int, int]:
        """(H, W) of the crops the network trains on: the data preprocessor's ``size`` (the
        configs' ``crop_size``)."""
        if self.data_preprocessor.size is None:
            raise ValueError('the data preprocessor has no `size` (crop size): pass a shape')
        return tuple(self.data_preprocessor.size)

    def encode_decode(self, inputs: Tensor, batch_img_metas: List[dict]) -> Tensor:
        if self.runtime is None:
            return super().encode_decode(inputs, batch_img_metas)
        return self.decode_head.predict_by_feat(self.runtime(inputs), batch_img_metas)
