# MPII, top-down, 256x256 (HRNet/Lite-HRNet, configs/top_down/lite_hrnet/mpii/
# litehrnet_18_mpii_256x256.py; docs/original_work.md, 'Pose training recipe'): no half-body,
# PCKh with the standard head boxes of mpii_gt_val.mat.
dataset_type = 'MpiiDataset'
data_mode = 'topdown'
data_root = 'data/mpii/'

codec = dict(type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)

# The original's augmentations (mmpose 0.x, drawn as it drew them): flip with probability 0.5,
# scale factor N(1, 0.25) clipped to [0.75, 1.25], rotation N(0, 30 deg) clipped to +/-60 deg
# with probability 0.6; no half-body and no box-centre shift (TopDownMpiiDataset had none).
# MpiiDataset's boxes are person boxes like COCO's: GetBBoxCenterScale adds the usual 1.25
# context (HRNet's MPII crop of 1.25 x scale x 200 px), and pads user or detector boxes at
# inference the same way.
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
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

train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/mpii_train.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/mpii_val.json',
        headbox_file=data_root + 'annotations/mpii_gt_val.mat',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='MpiiPCKAccuracy')
test_evaluator = val_evaluator
