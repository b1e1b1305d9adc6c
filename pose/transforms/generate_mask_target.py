"""The mask head's training target: the person's silhouette on the heatmap grid."""
from typing import Union

import numpy as np
from mmcv.transforms import BaseTransform

from pose.codecs import BaseKeypointCodec
from pose.registry import KEYPOINT_CODECS, TRANSFORMS
from pose.structures import image_to_heatmap_matrix, warp_to_heatmap
from .load_person_mask import IGNORE, PERSON


@TRANSFORMS.register_module()
class GenerateMaskTarget(BaseTransform):
    """Warp ``person_mask`` (image pixels, flipped with the image) onto the crop's heatmap
    grid, by the crop's box (``input_center``, ``input_scale``, ``bbox_rotation``) and the
    codec's input -> heatmap factor, as the keypoints' targets are placed.

    Adds ``mask_target`` (1, h, w) float32 in [0, 1] (bilinear: edge pixels are soft) and
    ``mask_weights`` (1, h, w) float32: 1 where the loss counts, falling to 0 on crowd
    regions, and 0 everywhere when the instance has no mask. Use it after ``TopdownAffine``.

    Args:
        encoder: the keypoint codec config (or instance) of the model: its ``input_size``,
            ``heatmap_size``, ``scale_factor`` and ``use_udp`` define the grid.
    """

    def __init__(self, encoder: Union[dict, BaseKeypointCodec]) -> None:
        self.encoder_cfg = encoder
        self.encoder = (KEYPOINT_CODECS.build(encoder) if isinstance(encoder, dict)
                        else encoder)

    def transform(self, results: dict) -> dict:
        width, height = self.encoder.heatmap_size
        mask = results.get('person_mask')
        if mask is None:
            zeros = np.zeros((1, height, width), dtype=np.float32)
            results['mask_target'], results['mask_weights'] = zeros, zeros.copy()
            return results
        if tuple(results['input_size']) != tuple(self.encoder.input_size):
            raise ValueError(f'{type(self).__name__}: the crop is {results["input_size"]} but the '
                             f'codec\'s input_size is {self.encoder.input_size}: give both the '
                             'same codec')
        rotation = float(results['bbox_rotation'][0]) if 'bbox_rotation' in results else 0.
        matrix = image_to_heatmap_matrix(results['input_center'], results['input_scale'],
                                         rotation, self.encoder)
        person = warp_to_heatmap(mask == PERSON, matrix, (width, height))
        ignored = warp_to_heatmap(mask == IGNORE, matrix, (width, height))
        results['mask_target'] = person[None]
        results['mask_weights'] = (1. - ignored)[None].astype(np.float32)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(encoder={self.encoder_cfg})'
