"""Top-down pose estimator: a person crop in, keypoints (and, with a mask head, the person's
silhouette) in image coordinates out."""
from typing import Callable, List, Optional, Tuple, Union

from mmengine.model import BaseModel
from mmengine.structures import PixelData
from torch import Tensor

from pose.registry import MODELS
from pose.structures import keypoints_to_image, paste_mask

# The 'tensor' mode output: heatmaps, or (heatmaps, mask logits) with a mask head.
Outputs = Union[Tensor, Tuple[Tensor, Tensor]]

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
    """Backbone + heatmap head (+ optional mask head on the same features), with flip test
    and decoding back to the image.

    Args:
        backbone: backbone config (``LiteHRNet``).
        head: head config (``HeatmapHead`` with a codec as ``decoder``).
        mask_head: None, or a :class:`MaskHead` config: the multi-task model, which also
            predicts each person's silhouette on the heatmap grid (trained on the
            ``GenerateMaskTarget`` targets, flip-tested like the heatmaps).
        test_cfg: ``flip_test`` (average with the heatmaps of the flipped input) and
            ``shift_heatmap`` (re-align the flipped heatmaps by one pixel); both on by default,
            the published setting. ``output_heatmaps`` (off by default, mmpose's name) keeps
            each sample's decoded heatmaps as ``pred_fields.heatmaps`` (K, H/4, W/4), e.g.
            for drawing them.
        data_preprocessor: normalisation and batching (``ImgDataPreprocessor``).

    ``runtime``: None, or a function computing the 'tensor' mode's output instead of the
    backbone and heads (an exported graph in an inference runtime, set by
    ``pose.apis.init_model(backend=...)``, see :class:`engine.RuntimeForward`).

    ``forward`` modes: 'tensor' -> heatmaps (N, K, H/4, W/4) from (N, 3, H, W) inputs, or
    with a mask head the tuple (heatmaps, mask logits (N, 1, H/4, W/4)); 'loss' -> dict of
    losses; 'predict' -> the data samples with ``pred_instances`` (keypoints (1, K, 2) in
    image pixels, keypoint_scores (1, K), bboxes, bbox_scores and, with a mask head,
    ``masks`` (1, H_img, W_img) bool: the silhouette pasted into the image; with
    ``output_heatmaps`` also ``pred_fields.mask`` (1, H/4, W/4) probabilities).

    Released checkpoints load strictly: the original format's ``keypoint_head.*`` keys are renamed
    to ``head.*`` on load (mmpose 1.x checkpoints already use ``head.*``).
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 mask_head: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)
        self.mask_head = MODELS.build(mask_head) if mask_head is not None else None
        self.test_cfg = {'flip_test': True, 'shift_heatmap': True, **(test_cfg or {})}
        self.runtime: Optional[Callable[[Tensor], Outputs]] = None
        self._register_load_state_dict_pre_hook(self._rename_released_keys)

    @property
    def with_mask(self) -> bool:
        """Whether the model predicts silhouettes too (it has a mask head)."""
        return self.mask_head is not None

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
            return self.network_outputs(inputs)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f'unknown forward mode {mode!r}: use tensor, loss or predict')

    def loss(self, inputs: Tensor, data_samples: list) -> dict:
        """The heatmap loss and, with a mask head, the mask losses, on one backbone pass."""
        feats = self.extract_feat(inputs)
        losses = self.head.loss(feats, data_samples)
        if self.with_mask:
            losses.update(self.mask_head.loss(feats, data_samples))
        return losses

    def network_outputs(self, inputs: Tensor) -> Outputs:
        """The 'tensor' mode: heatmaps (N, K, H/4, W/4) of (N, 3, H, W) inputs, or
        (heatmaps, mask logits (N, 1, H/4, W/4)) with a mask head; by the ``runtime`` when
        set."""
        if self.runtime is not None:
            return self.runtime(inputs)
        feats = self.extract_feat(inputs)
        if self.with_mask:
            return self.head(feats), self.mask_head(feats)
        return self.head(feats)

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """Keypoints (and silhouettes) of every sample, with the flip test when enabled."""
        heatmaps, mask_logits = self._split(self.network_outputs(inputs))
        heatmaps_flipped = mask_logits_flipped = None
        if self.test_cfg['flip_test']:
            heatmaps_flipped, mask_logits_flipped = self._split(
                self.network_outputs(inputs.flip(-1)))
        flip_indices = data_samples[0].metainfo['flip_indices']
        shift = self.test_cfg['shift_heatmap']
        heatmaps = self.head.average_flipped(heatmaps, heatmaps_flipped, flip_indices, shift)
        samples = self._add_predictions(self.head.decode(heatmaps), data_samples)
        fields = [PixelData() for _ in samples]
        if self.test_cfg.get('output_heatmaps', False):
            for heatmap, field in zip(heatmaps.detach().float().cpu(), fields):
                field.heatmaps = heatmap
        if self.with_mask:
            masks = self.mask_head.average_flipped(mask_logits, mask_logits_flipped, shift)
            self._add_masks(masks.detach().float().cpu(), samples, fields)
        for sample, field in zip(samples, fields):
            if len(field.keys()):
                sample.pred_fields = field
        return samples

    def _split(self, outputs: Outputs) -> Tuple[Tensor, Optional[Tensor]]:
        """(heatmaps, mask logits or None) of a 'tensor' mode output; checks that a runtime
        gives what the model has."""
        if isinstance(outputs, (tuple, list)):
            if not self.with_mask or len(outputs) != 2:
                raise ValueError(f'the tensor forward gave {len(outputs)} outputs; a model '
                                 f'{"with" if self.with_mask else "without"} a mask head has '
                                 f'{2 if self.with_mask else 1}')
            return outputs[0], outputs[1]
        if self.with_mask:
            raise ValueError('the tensor forward gave only heatmaps, but the model has a mask '
                             'head: export (or quantize) the model again with its mask output')
        return outputs, None

    def _add_masks(self, masks: Tensor, samples: list, fields: List[PixelData]) -> None:
        """Paste each (1, h, w) mask into its image as ``pred_instances.masks``."""
        codec = self.head.decoder
        for mask, sample, field in zip(masks, samples, fields):
            meta = sample.metainfo
            pasted = paste_mask(mask[0].numpy(), meta['input_center'], meta['input_scale'],
                                codec, meta['ori_shape'])
            sample.pred_instances.masks = pasted[None]
            if self.test_cfg.get('output_heatmaps', False):
                field.mask = mask

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
