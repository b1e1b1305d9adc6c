_base_ = ['./litehrnet_18_coco_256x192.py']
# 384x288: a larger crop, sigma 3, 32 images per GPU (total 256 on 8 GPUs).
codec = dict(type='MSRAHeatmap', input_size=(288, 384), heatmap_size=(72, 96), sigma=3)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody', selection='upper_first', min_total_keypoints=9,
         min_upper_keypoints=3, min_lower_keypoints=3, padding=1.5, prob=0.3),
    dict(type='RandomScaleRotation', scale_sigma=0.25, scale_limit=0.25, rotate_sigma=30.0,
         rotate_limit=60.0, rotate_prob=0.6),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))
model = dict(head=dict(decoder=codec))
auto_scale_lr = dict(base_batch_size=256)
