"""Top-down heatmap head: a 1x1 conv from the backbone's highest-resolution branch."""
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor, nn

from pose.registry import KEYPOINT_CODECS, MODELS
from ..utils import flip_heatmaps


@MODELS.register_module()
class HeatmapHead(BaseModule):
    """Heatmaps from the last feature map, decoded by a keypoint codec: a single
    ``final_layer`` 1x1 conv with bias, as every published Lite-HRNet config has it (the
    original's ``TopdownHeatmapSimpleHead`` with no deconvolutions; the key the released
    checkpoints use).

    Args:
        in_channels: channels of the backbone output.
        out_channels: number of keypoints K.
        loss: heatmap loss config.
        decoder: keypoint codec config used to decode predictions.

    Shapes: feats tuple whose last element is (N, in_channels, H, W) -> (N, K, H', W').
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 loss: dict = dict(type='KeypointMSELoss', use_target_weight=True),
                 decoder: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if init_cfg is None:
            init_cfg = [dict(type='Normal', layer=['Conv2d'], std=0.001)]
        super().__init__(init_cfg)
        self.out_channels = out_channels
        self.final_layer = nn.Conv2d(in_channels, out_channels, kernel_size=1)
        self.loss_module = MODELS.build(loss)
        self.decoder = KEYPOINT_CODECS.build(decoder) if decoder is not None else None

    def forward(self, feats: Tuple[Tensor, ...]) -> Tensor:
        return self.final_layer(feats[-1])

    def loss(self, feats: Tuple[Tensor, ...], batch_data_samples: list) -> dict:
        """Heatmap loss against the targets packed by ``GenerateTarget``."""
        pred = self.forward(feats)
        target = torch.stack([d.gt_fields.heatmaps for d in batch_data_samples]).to(pred)
        weights = torch.cat([
            torch.as_tensor(d.gt_instance_labels.keypoint_weights) for d in batch_data_samples
        ]).to(pred)
        if target.shape != pred.shape:
            raise ValueError(f'heatmap targets of shape {tuple(target.shape[1:])} do not match '
                             f'the predictions {tuple(pred.shape[1:])}: check that the codec\'s '
                             f'heatmap_size and out_channels match the model')
        return dict(loss_kpt=self.loss_module(pred, target, weights))

    @staticmethod
    def average_flipped(heatmaps: Tensor, heatmaps_flipped: Optional[Tensor],
                        flip_indices: Sequence[int], shift_heatmap: bool) -> Tensor:
        """Heatmaps (N, K, H, W) averaged with those of the flipped input, when given,
        flipped back (keypoints swapped by ``flip_indices``, optionally shifted a pixel)."""
        if heatmaps_flipped is None:
            return heatmaps
        flipped = flip_heatmaps(heatmaps_flipped, flip_indices, shift_heatmap)
        return (heatmaps + flipped) * 0.5

    def decode(self, heatmaps: Tensor) -> List[InstanceData]:
        """Keypoints (1, K, 2) in input-image pixels and scores (1, K), one per sample."""
        if self.decoder is None:
            raise RuntimeError('HeatmapHead needs a `decoder` (keypoint codec) to predict')
        results = []
        for heatmap in heatmaps.detach().float().cpu().numpy():
            keypoints, scores = self.decoder.decode(heatmap)
            results.append(InstanceData(keypoints=keypoints.astype(np.float32),
                                        keypoint_scores=scores.astype(np.float32)))
        return results
