# Lite-HRNet-18 256x256 trained from scratch on the bundled MPII sample (5 people) and evaluated
# with PCKh on the same people, using the standard head boxes of mpii_gt_val.mat.
_base_ = ['../lite_hrnet/mpii/litehrnet_18_mpii_256x256.py']

data_root = 'data/samples/mpii/'

train_cfg = dict(max_epochs=150, val_interval=50)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=20),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=150, milestones=[130], gamma=0.1),
]

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0, scale_factor=(0.9, 1.1),
         rotate_factor=10.0, rotate_prob=0.5),
    dict(type='TopdownAffine', input_size={{_base_.codec.input_size}}),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(
    batch_size=5,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_mpii.json', data_prefix=dict(img=''),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=5,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file='test_mpii.json', data_prefix=dict(img=''),
                 headbox_file=data_root + 'mpii_gt_val.mat'))
test_dataloader = val_dataloader

default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=50, max_keep_ckpts=1),
                     visualization=dict(enable=True))  # predictions at each evaluation
log_processor = dict(window_size=10)
randomness = dict(seed=0)
