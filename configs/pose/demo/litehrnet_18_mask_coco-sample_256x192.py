# `make demo-multitask`: the pose demo (litehrnet_18_coco-sample_256x192.py: same optimizer,
# same mild augmentation, same seed) with the mask head of the multi-task model, trained on the
# sample's person polygons. Both coco/AP and coco/mask_AP rise from near 0 (docs/multitask.md).
_base_ = [
    './litehrnet_18_coco-sample_256x192.py',
    '../_base_/models/mask_head.py',
]
model = dict(mask_head=_base_.mask_head)

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadPersonMask'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0, scale_factor=(0.9, 1.1),
         rotate_factor=10.0, rotate_prob=0.5),
    dict(type='TopdownAffine', input_size={{_base_.codec.input_size}}),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='GenerateMaskTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs'),
]
# Every person with a mask trains, also the two without labelled keypoints (their keypoint
# weights are 0): COCO's segm evaluation counts them.
train_dataloader = dict(dataset=dict(with_masks=True, filter_cfg=dict(min_keypoints=0),
                                     pipeline=train_pipeline))
# Twice the pose demo's epochs: the silhouettes of 14 people keep improving after the keypoints
# have converged (mask AP 0.58 at epoch 100, 0.86 at 200; docs/multitask.md).
train_cfg = dict(max_epochs=200, val_interval=25)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=20),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=200, milestones=[170], gamma=0.1),
]
# Validation crops every person with a mask, with or without labelled keypoints: COCO's segm
# evaluation counts them all (keypoint AP ignores those without keypoints, as before).
val_dataloader = dict(dataset=dict(filter_cfg=dict(min_keypoints=0)))
