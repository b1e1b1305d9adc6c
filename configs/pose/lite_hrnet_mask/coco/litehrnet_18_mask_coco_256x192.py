# Lite-HRNet-18 keypoints + person silhouettes, one backbone pass (docs/multitask.md): the
# published COCO 256x192 pose recipe unchanged, plus a mask head trained on each person's COCO
# segmentation, warped with the crop (crowd regions ignored). Validation reports keypoint AP
# (coco/AP) and COCO segm mask AP (coco/mask_AP) of the silhouettes pasted back into the image.
_base_ = [
    '../../lite_hrnet/coco/litehrnet_18_coco_256x192.py',
    '../../_base_/models/mask_head.py',
]
model = dict(mask_head=_base_.mask_head)

# The published augmentations (configs/pose/_base_/datasets/coco_256x192.py), with the person's
# mask rasterised after loading (flipped with the image) and warped beside the heatmaps.
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadPersonMask'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody', selection='upper_first', min_total_keypoints=9,
         min_upper_keypoints=3, min_lower_keypoints=3, padding=1.5, prob=0.3),
    dict(type='RandomScaleRotation', scale_sigma=0.25, scale_limit=0.25, rotate_sigma=30.0,
         rotate_limit=60.0, rotate_prob=0.6),
    dict(type='TopdownAffine', input_size={{_base_.codec.input_size}}),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='GenerateMaskTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(dataset=dict(with_masks=True, pipeline=train_pipeline))
# Validation on ground-truth boxes crops every person, with or without labelled keypoints: COCO's
# segm evaluation counts them all, while keypoint AP ignores those without keypoints as before.
val_dataloader = dict(dataset=dict(filter_cfg=dict(min_keypoints=0)))
