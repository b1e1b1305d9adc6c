# Lite-HRNet-18 + 1x1 heatmap head; `decoder` is the dataset's codec (set in the top configs).
_base_ = ['../../../_base_/backbones/litehrnet.py']
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(_base_.litehrnet_18, out_indices=(0, )),
    head=dict(
        type='HeatmapHead',
        in_channels=40,
        out_channels=17,
        loss=dict(type='KeypointMSELoss', use_target_weight=True)),
    test_cfg=dict(flip_test=True, shift_heatmap=True))
