# Demo: the Lite-HRNet-18 person detector of
# configs/det/rtmdet_litehrnet-18-hrfpn_8xb32-300e_coco-person.py trained and evaluated on the
# bundled COCO sample (data/samples/coco: 4 images, 14 people) by the same tool that trains the
# pose and segmentation models, its backbone taken from the pose demo's model (`make
# demo-detector` runs this, offline):
#   python tools/train.py configs/det/demo/rtmdet_litehrnet-18-hrfpn_coco-person-sample.py \
#       --load-from POSE_DEMO_CKPT --allow-partial-load
# Changed from the real recipe, and why:
# - BN instead of SyncBN: one process, no process group to synchronise with;
# - the backbone comes from the pose demo's checkpoint (work_dirs/demo/pose_coco, trained on
#   the same 4 images), not from the released pose model (nothing is downloaded), and stays
#   frozen, norms included: a step takes a third to a half of the time without the backbone's
#   backward pass; trained from random weights instead, the detector had bbox AP 0.004 after
#   40 epochs (measured on 2 shared cores);
# - 320x320 inputs, resize and flip only (mosaic and mixup need more than 4 images), no EMA
#   (its average would barely leave the initial weights in so few steps), a 10-step warm-up.
_base_ = '../rtmdet_litehrnet-18-hrfpn_8xb32-300e_coco-person.py'

data_root = 'data/samples/coco/'
ann_file = 'test_coco.json'
input_shape = 320
max_epochs = 100
norm_cfg = dict(type='BN')

model = dict(
    backbone=dict(
        norm_cfg=norm_cfg,
        frozen_stages=3,
        norm_eval=True,
        init_cfg=[
            dict(type='Normal', std=0.001, layer=['Conv2d']),
            dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm']),
        ]),
    neck=dict(norm_cfg=norm_cfg),
    bbox_head=dict(norm_cfg=norm_cfg))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='RandomResize',
        scale=(input_shape, input_shape),
        ratio_range=(0.75, 1.25),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=(input_shape, input_shape)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(input_shape, input_shape), keep_ratio=True),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
sample = dict(data_root=data_root, ann_file=ann_file, data_prefix=dict(img=''))
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    pin_memory=False,
    dataset=dict(**sample, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    pin_memory=False,
    dataset=dict(**sample, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + ann_file)
test_evaluator = val_evaluator

train_cfg = dict(max_epochs=max_epochs, val_interval=25, dynamic_intervals=None)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=10),
]
custom_hooks = []
default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
randomness = dict(seed=0)
