"""Final pipeline step: the model's input tensor and a PoseDataSample."""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import InstanceData, PixelData

from pose.registry import TRANSFORMS
from pose.structures import PoseDataSample

# results key -> PoseDataSample.gt_instances field (numpy, image coordinates, for metrics)
INSTANCE_KEYS = dict(bbox='bboxes', bbox_score='bbox_scores', bbox_center='bbox_centers',
                     bbox_scale='bbox_scales', keypoints='keypoints',
                     keypoints_visible='keypoints_visible', head_size='head_size',
                     area='areas')
# results key -> PoseDataSample.gt_instance_labels field (tensors, for losses)
LABEL_KEYS = dict(keypoint_weights='keypoint_weights',
                  keypoints_visible_weights='keypoints_visible_weights')
# results key -> PoseDataSample.gt_fields field (tensors, for losses)
FIELD_KEYS = dict(heatmaps='heatmaps', mask_target='mask_target', mask_weights='mask_weights')


def image_to_tensor(img: np.ndarray) -> torch.Tensor:
    """(H, W, C) or (H, W) image -> contiguous (C, H, W) tensor of the same dtype."""
    if img.ndim == 2:
        img = img[..., None]
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackPoseInputs(BaseTransform):
    """Pack the results into ``dict(inputs=(C, H, W) tensor, data_samples=PoseDataSample)``.

    The sample holds ``gt_instances`` (numpy: bboxes (1, 4), bbox_scores (1,), bbox_centers
    (1, 2), bbox_scales (1, 2), keypoints (1, K, 2), keypoints_visible (1, K), areas (1,),
    head_size (1,) when present), ``gt_instance_labels`` (tensors: keypoint_weights (1, K))
    and ``gt_fields`` (tensors: heatmaps (K, H, W), mask_target and mask_weights (1, H, W) of
    the mask head), each item only when in the results,
    and the ``meta_keys`` found in the results as metainfo.
    """

    def __init__(self, meta_keys: Sequence[str] = (
            'id', 'img_id', 'img_path', 'category_id', 'ori_shape', 'img_shape',
            'input_size', 'input_center', 'input_scale', 'flip', 'flip_direction',
            'flip_indices', 'raw_ann_info', 'dataset_name')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        data_sample = PoseDataSample()
        data_sample.gt_instances = self._collect(results, INSTANCE_KEYS, InstanceData())
        data_sample.gt_instance_labels = self._collect(results, LABEL_KEYS,
                                                       InstanceData()).to_tensor()
        fields = self._collect(results, FIELD_KEYS, PixelData())
        if len(fields.keys()):
            data_sample.gt_fields = fields.to_tensor()
        data_sample.set_metainfo({k: results[k] for k in self.meta_keys if k in results})
        return dict(inputs=image_to_tensor(results['img']), data_samples=data_sample)

    @staticmethod
    def _collect(results: dict, mapping: dict, container):
        """Copy the mapped results keys that are present into ``container``."""
        for key, packed_key in mapping.items():
            if results.get(key) is not None:
                container.set_field(results[key], packed_key)
        return container

    def __repr__(self) -> str:
        return f'{type(self).__name__}(meta_keys={self.meta_keys})'
