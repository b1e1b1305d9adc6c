"""Top-down pose estimator: a person crop in, keypoints in image coordinates out."""
from typing import Callable, List, Optional, Tuple, Union

from mmengine.model import BaseModel
from mmengine.structures import PixelData
from torch import Tensor

from pose.registry import MODELS
from pose.structures import keypoints_to_image

# Key prefixes of released checkpoints, mapped onto this model's.
RELEASED_PREFIXES = {'keypoint_head.': 'head.'}


def rename_released_keys(state_dict: dict, prefix: str = '') -> None:
    """Rename the released checkpoints' key prefixes (after ``prefix``) to ours, in place.

    The one renaming rule, applied when a checkpoint is loaded and by
    ``tools/convert_checkpoint.py``; other keys are left as they are.
    """
    for key in list(state_dict):
        for old, new in RELEASED_PREFIXES.items():
            if key.startswith(prefix + old):
                state_dict[prefix + new + key[len(prefix + old):]] = state_dict.pop(key)


@MODELS.register_module()
class TopdownPoseEstimator(BaseModel):
    """Backbone + heatmap head, with flip test and decoding back to the image.

    Args:
        backbone: backbone config (``LiteHRNet``).
        head: head config (``HeatmapHead`` with a codec as ``decoder``).
        test_cfg: ``flip_test`` (average with the heatmaps of the flipped input) and
            ``shift_heatmap`` (re-align the flipped heatmaps by one pixel); both on by default,
            the published setting. ``output_heatmaps`` (off by default, mmpose's name) keeps
            each sample's decoded heatmaps as ``pred_fields.heatmaps`` (K, H/4, W/4), e.g.
            for drawing them.
        data_preprocessor: normalisation and batching (``ImgDataPreprocessor``).

    ``runtime``: None, or a function computing the 'tensor' mode's heatmaps instead of the
    backbone and head (an exported graph in an inference runtime, set by
    ``pose.apis.init_model(backend=...)``, see :class:`engine.RuntimeForward`).

    ``forward`` modes: 'tensor' -> heatmaps (N, K, H/4, W/4) from (N, 3, H, W) inputs;
    'loss' -> dict of losses; 'predict' -> the data samples with ``pred_instances``
    (keypoints (1, K, 2) in image pixels, keypoint_scores (1, K), bboxes, bbox_scores).

    Released checkpoints load strictly: the original format's ``keypoint_head.*`` keys are renamed
    to ``head.*`` on load (mmpose 1.x checkpoints already use ``head.*``).
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)
        self.test_cfg = {'flip_test': True, 'shift_heatmap': True, **(test_cfg or {})}
        self.runtime: Optional[Callable[[Tensor], Tensor]] = None
        self._register_load_state_dict_pre_hook(self._rename_released_keys)

    @property
    def input_shape(self) -> Tuple[int, int]:
        """(H, W) of the crops the network takes: the codec's ``input_size`` (given as W, H)."""
        width, height = self.head.decoder.input_size
        return height, width

    @staticmethod
    def _rename_released_keys(state_dict, prefix, *args) -> None:
        rename_released_keys(state_dict, prefix)

    def extract_feat(self, inputs: Tensor) -> tuple:
        return self.backbone(inputs)

    def forward(self, inputs: Tensor, data_samples: Optional[list] = None,
                mode: str = 'tensor') -> Union[Tensor, dict, list]:
        if mode == 'tensor':
            return self.heatmaps(inputs)
        if mode == 'loss':
            return self.head.loss(self.extract_feat(inputs), data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f'unknown forward mode {mode!r}: use tensor, loss or predict')

    def heatmaps(self, inputs: Tensor) -> Tensor:
        """(N, K, H/4, W/4) heatmaps of (N, 3, H, W) inputs, by the ``runtime`` when set."""
        if self.runtime is not None:
            return self.runtime(inputs)
        return self.head(self.extract_feat(inputs))

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """Keypoints of every sample, with the flip test when enabled."""
        heatmaps = self.heatmaps(inputs)
        heatmaps_flipped = None
        if self.test_cfg['flip_test']:
            heatmaps_flipped = self.heatmaps(inputs.flip(-1))
        flip_indices = data_samples[0].metainfo['flip_indices']
        heatmaps = self.head.average_flipped(heatmaps, heatmaps_flipped, flip_indices,
                                             self.test_cfg['shift_heatmap'])
        samples = self._add_predictions(self.head.decode(heatmaps), data_samples)
        if self.test_cfg.get('output_heatmaps', False):
            for heatmap, sample in zip(heatmaps.detach().float().cpu(), samples):
                sample.pred_fields = PixelData(heatmaps=heatmap)
        return samples

    def _add_predictions(self, preds: List, data_samples: list) -> list:
        use_udp = getattr(self.head.decoder, 'use_udp', False)
        for pred, sample in zip(preds, data_samples):
            meta = sample.metainfo
            pred.keypoints = keypoints_to_image(pred.keypoints, meta['input_center'],
                                                meta['input_scale'], meta['input_size'],
                                                use_udp=use_udp)
            gt = sample.get('gt_instances', None)
            if gt is not None and 'bboxes' in gt:
                pred.bboxes = gt.bboxes
                pred.bbox_scores = gt.bbox_scores
            sample.pred_instances = pred
        return data_samples
