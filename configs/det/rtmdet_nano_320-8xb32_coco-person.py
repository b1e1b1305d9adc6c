# RTMDet-nano person detector, 320x320: the detector of mmpose's RTMPose pipelines.
# Config: open-mmlab/mmpose, projects/rtmpose/rtmdet/person/rtmdet_nano_320-8xb32_coco-person.py
# (written for mmdet 3.0.0rc's `file_client_args`; `backend_args` here, as mmdet 3.3 names it).
# Weights: the RTMPose model zoo (projects/rtmpose/README.md, "Person detector": person AP
# 40.3, 0.31 GFLOPs), trained on COCO + Objects365 person boxes; one class, 'person'.
#   python tools/demo/pose_demo.py POSE_CONFIG POSE_CKPT --input video.mp4 \
#       --det-config configs/det/rtmdet_nano_320-8xb32_coco-person.py --det-checkpoint URL
# (URL: `load_from` below, downloaded once into torch hub's cache; the demo never downloads it
# unasked.)
_base_ = 'mmdet::rtmdet/rtmdet_l_8xb32-300e_coco.py'

load_from = ('https://download.openmmlab.com/mmpose/v1/projects/rtmpose/'
             'rtmdet_nano_8xb32-100e_coco-obj365-person-05d8511e.pth')
input_shape = 320

model = dict(
    backbone=dict(deepen_factor=0.33, widen_factor=0.25, use_depthwise=True),
    neck=dict(
        in_channels=[64, 128, 256], out_channels=64, num_csp_blocks=1, use_depthwise=True),
    bbox_head=dict(
        in_channels=64,
        feat_channels=64,
        share_conv=False,
        exp_on_reg=False,
        use_depthwise=True,
        num_classes=1))

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='CachedMosaic',
        img_scale=(input_shape, input_shape),
        pad_val=114.0,
        max_cached_images=20,
        random_pop=False),
    dict(
        type='RandomResize',
        scale=(input_shape * 2, input_shape * 2),
        ratio_range=(0.5, 1.5),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=(input_shape, input_shape)),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs')
]
train_pipeline_stage2 = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='RandomResize',
        scale=(input_shape, input_shape),
        ratio_range=(0.5, 1.5),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=(input_shape, input_shape)),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='Resize', scale=(input_shape, input_shape), keep_ratio=True),
    dict(type='Pad', size=(input_shape, input_shape), pad_val=dict(img=(114, 114, 114))),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor'))
]

train_dataloader = dict(
    dataset=dict(pipeline=train_pipeline, metainfo=dict(classes=('person', ))))
val_dataloader = dict(
    dataset=dict(pipeline=test_pipeline, metainfo=dict(classes=('person', ))))
test_dataloader = val_dataloader

custom_hooks = [
    dict(
        type='EMAHook',
        ema_type='ExpMomentumEMA',
        momentum=0.0002,
        update_buffers=True,
        priority=49),
    dict(type='PipelineSwitchHook', switch_epoch=280, switch_pipeline=train_pipeline_stage2)
]
