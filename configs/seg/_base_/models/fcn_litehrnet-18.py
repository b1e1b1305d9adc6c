# Lite-HRNet-18 without the IterativeHead + FCN head on the highest-resolution branch
# (Junjun2016/LiteHRNet, configs/_base_/models/fcn_litehr18-without-head.py). Trained from
# scratch.
_base_ = ['../../../_base_/backbones/litehrnet.py']
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    # mmseg's EncoderDecoder that can also run an inference runtime (seg.apis.init_model)
    type='RuntimeEncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255),
    backbone=dict(
        _base_.litehrnet_18,
        norm_cfg=norm_cfg,
        norm_eval=False,
        # The fork returned every branch; the FCN head reads branch 0 only.
        out_indices=(0, 1, 2, 3)),
    decode_head=dict(
        type='FCNHead',
        in_channels=40,
        in_index=0,
        channels=40,
        input_transform=None,
        kernel_size=3,
        num_convs=2,
        concat_input=True,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
# Without the IterativeHead: the fork's "without-head" models.
model['backbone']['extra'] = dict(model['backbone']['extra'], with_head=False)
# The FCN head reads branch 0 only, so the last fuse layers that produce branches 1-3 get no
# gradient (69 parameters); DDP stops at the second iteration unless it looks for them.
find_unused_parameters = True
