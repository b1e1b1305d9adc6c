"""PoseDataSample's typed fields."""
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData, PixelData

from pose.structures import PoseDataSample


def test_fields_are_typed_and_deletable():
    sample = PoseDataSample(metainfo=dict(img_id=3))
    sample.gt_instances = InstanceData(keypoints=np.zeros((1, 17, 2)))
    sample.gt_instance_labels = InstanceData(keypoint_weights=torch.ones(1, 17))
    sample.pred_instances = InstanceData(keypoints=np.zeros((1, 17, 2)))
    sample.gt_fields = PixelData(heatmaps=torch.zeros(17, 64, 48))
    sample.pred_fields = PixelData(heatmaps=torch.zeros(17, 64, 48))
    assert sample.img_id == 3
    assert sample.gt_fields.heatmaps.shape == (17, 64, 48)
    for name in ('gt_instances', 'gt_instance_labels', 'pred_instances'):
        with pytest.raises(AssertionError):
            setattr(sample, name, PixelData())
    for name in ('gt_fields', 'pred_fields'):
        with pytest.raises(AssertionError):
            setattr(sample, name, InstanceData())
    del sample.pred_fields
    assert 'pred_fields' not in sample
