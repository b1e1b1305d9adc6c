# Lite-HRNet-18 (without the IterativeHead) + FCN resize-concat head (1x1 conv on all branches),
# ADE20K 512x512 crops, batch 32 (8 GPUs x 4), 160k iterations, from scratch.
# The fork's result: 24.71 / 32.46 mIoU / mAcc on val (Junjun2016/LiteHRNet,
# results/litehr-ade20k_results_20210908_224220.csv, row
# fcn-resize-concat_litehr18-without-head_512x512_160k_ade20k).
_base_ = [
    '_base_/models/fcn-resize-concat_litehrnet-18.py', '_base_/datasets/ade20k.py',
    '_base_/default_runtime.py', '_base_/schedules/schedule_160k.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes={{_base_.num_classes}}))
