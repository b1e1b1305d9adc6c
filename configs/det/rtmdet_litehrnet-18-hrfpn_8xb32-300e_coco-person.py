# A person detector on Lite-HRNet-18: all four branches (1/4 to 1/32 resolution, 40 to 320
# channels) through mmdet's HRFPN neck into RTMDet's head, with RTMDet-tiny's recipe (mmdet,
# configs/rtmdet/rtmdet_tiny_8xb32-300e_coco.py: 300 epochs of 8 GPUs x 32 images at 640x640,
# AdamW, mosaic and mixup, EMA) on COCO's person boxes. The HRFPN wiring follows mmdet's HRNet
# detectors (configs/hrnet/fcos_hrnetv2p-w18-gn-head_4xb4-1x_coco.py: stride-2 output convs, so
# the levels are 1/8, 1/16, 1/32 as RTMDet's head expects).
#   python tools/train.py configs/det/rtmdet_litehrnet-18-hrfpn_8xb32-300e_coco-person.py
# Not trained here: configs/det/demo/ trains it on the bundled COCO sample.
_base_ = ['mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py', '../_base_/backbones/litehrnet.py']

custom_imports = dict(imports=['litehrnet', 'engine'], allow_failed_imports=False)

# No ImageNet-trained Lite-HRNet exists (the paper trains from scratch); the backbone starts
# from the released COCO keypoint model instead (mmpose's model zoo, configs/body_2d_keypoint/
# topdown_heatmap/coco/litehrnet_coco.md, AP 0.642), whose features have seen people. Its
# IterativeHead weights go unused (with_head=False below) and are reported as unexpected keys.
pose_checkpoint = ('https://download.openmmlab.com/mmpose/top_down/litehrnet/'
                   'litehrnet18_coco_256x192-6bace359_20211230.pth')
channels = 96  # RTMDet-tiny's neck and head width

model = dict(
    # The pose model was trained on RGB images normalised with ImageNet statistics; RTMDet's
    # own preprocessor feeds BGR.
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(
        _base_.litehrnet_18,  # ours, from mmengine's root registry (mmdet has none of its own)
        _delete_=True,
        norm_cfg=dict(type='SyncBN'),
        out_indices=(0, 1, 2, 3),
        init_cfg=dict(type='Pretrained', checkpoint=pose_checkpoint, prefix='backbone.')),
    neck=dict(
        _delete_=True,
        type='HRFPN',
        in_channels=[40, 80, 160, 320],
        out_channels=channels,
        num_outs=3,
        stride=2,
        norm_cfg=dict(type='SyncBN')),
    bbox_head=dict(in_channels=channels, feat_channels=channels, num_classes=1))
# Without the IterativeHead: it exists to refine the 1/4 branch for heatmaps and halves the
# lower branches' channels (320 -> 160 at 1/32, where large people are found); HRFPN does its
# own fusion of all four branches.
model['backbone']['extra'] = dict(model['backbone']['extra'], with_head=False)

train_dataloader = dict(dataset=dict(metainfo=dict(classes=('person', ))))
val_dataloader = dict(dataset=dict(metainfo=dict(classes=('person', ))))
test_dataloader = val_dataloader
