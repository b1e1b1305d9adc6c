"""Full training pipelines end in the packed layout the model and metrics read."""
import numpy as np
import torch

from pose.datasets import CocoDataset, MpiiDataset
from pose.structures import PoseDataSample

CODEC = dict(type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
TRAIN_PIPELINE = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform'),
    dict(type='TopdownAffine', input_size=(192, 256)),
    dict(type='GenerateTarget', encoder=CODEC),
    dict(type='PackPoseInputs'),
]


def test_coco_training_sample(coco_dir):
    np.random.seed(0)
    dataset = CocoDataset(ann_file=str(coco_dir / 'test_coco.json'),
                          data_prefix=dict(img=str(coco_dir)), pipeline=TRAIN_PIPELINE,
                          filter_cfg=dict(filter_empty_gt=True, min_keypoints=1))
    packed = dataset[0]
    inputs, sample = packed['inputs'], packed['data_samples']
    assert isinstance(inputs, torch.Tensor) and inputs.shape == (3, 256, 192)
    assert inputs.dtype == torch.uint8 and inputs.is_contiguous()
    assert isinstance(sample, PoseDataSample)
    assert sample.gt_fields.heatmaps.shape == (17, 64, 48)
    assert sample.gt_fields.heatmaps.dtype == torch.float32
    assert sample.gt_instance_labels.keypoint_weights.shape == (1, 17)
    gt = sample.gt_instances
    for key, shape in dict(bboxes=(1, 4), bbox_scores=(1,), bbox_centers=(1, 2),
                           bbox_scales=(1, 2), keypoints=(1, 17, 2), keypoints_visible=(1, 17),
                           areas=(1,)).items():
        assert gt[key].shape == shape, key
        assert isinstance(gt[key], np.ndarray)
    for key in ('id', 'img_id', 'img_path', 'category_id', 'ori_shape', 'img_shape',
                'input_size', 'input_center', 'input_scale', 'flip', 'flip_direction',
                'flip_indices', 'raw_ann_info', 'dataset_name'):
        assert key in sample.metainfo, key
    assert sample.dataset_name == 'coco' and sample.ori_shape == (425, 640)


def test_mpii_sample_carries_head_size(mpii_dir):
    dataset = MpiiDataset(ann_file=str(mpii_dir / 'test_mpii.json'),
                          headbox_file=str(mpii_dir / 'mpii_gt_val.mat'), test_mode=True,
                          data_prefix=dict(img=str(mpii_dir)),
                          pipeline=[
                              dict(type='LoadImage'),
                              dict(type='GetBBoxCenterScale'),
                              dict(type='TopdownAffine', input_size=(256, 256)),
                              dict(type='PackPoseInputs')
                          ])
    sample = dataset[1]['data_samples']
    assert sample.gt_instances.head_size.shape == (1,)
    assert abs(sample.gt_instances.head_size[0] - 44.046) < 1e-3
    assert 'gt_fields' not in sample  # no targets at test time
    # HRNet's MPII crop: 1.25 * scale * 200 px
    assert abs(sample.input_scale[0] - 1.25 * 200 * dataset.get_data_info(1)['raw_ann_info'][
        'scale']) < 1e-2
