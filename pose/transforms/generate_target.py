"""Training targets from a keypoint codec."""
from typing import Union

import numpy as np
from mmcv.transforms import BaseTransform

from pose.codecs import BaseKeypointCodec
from pose.registry import KEYPOINT_CODECS, TRANSFORMS


@TRANSFORMS.register_module()
class GenerateTarget(BaseTransform):
    """Encode the (cropped) keypoints with a codec and add its outputs to the results.

    Uses ``transformed_keypoints`` (after TopdownAffine) when present, else ``keypoints``.
    With :class:`pose.codecs.MSRAHeatmap`/``UDPHeatmap`` this adds ``heatmaps`` (K, H, W)
    and ``keypoint_weights`` (1, K), which PackPoseInputs puts in ``gt_fields`` and
    ``gt_instance_labels``.

    Args:
        encoder: codec config (e.g. ``dict(type='MSRAHeatmap', ...)``) or instance.
        use_dataset_keypoint_weights: multiply the weights by the metainfo's per-keypoint
            ``dataset_keypoint_weights`` (joint_weights).
    """

    def __init__(self, encoder: Union[dict, BaseKeypointCodec],
                 use_dataset_keypoint_weights: bool = False) -> None:
        self.encoder_cfg = encoder
        self.encoder = (KEYPOINT_CODECS.build(encoder) if isinstance(encoder, dict)
                        else encoder)
        self.use_dataset_keypoint_weights = use_dataset_keypoint_weights

    def transform(self, results: dict) -> dict:
        keypoints = results.get('transformed_keypoints')
        if keypoints is None:
            keypoints = results.get('keypoints')
        if keypoints is None:
            raise KeyError(f'{type(self).__name__} needs "keypoints" in the results')
        encoded = self.encoder.encode(keypoints=keypoints,
                                      keypoints_visible=results.get('keypoints_visible'))
        if self.use_dataset_keypoint_weights and 'keypoint_weights' in encoded:
            encoded['keypoint_weights'] = (encoded['keypoint_weights']
                                           * results['dataset_keypoint_weights']).astype(
                                               np.float32)
        results.update(encoded)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(encoder={self.encoder_cfg}, '
                f'use_dataset_keypoint_weights={self.use_dataset_keypoint_weights})')
