# Lite-HRNet-18 (with the IterativeHead) + FCN head (2 3x3 convs on the 1/4 branch),
# ADE20K 512x512 crops, batch 32 (8 GPUs x 4), 160k iterations, from scratch.
# The fork's two runs (REFERENCE.md 2.5): 23.82 / 31.51 and 24.14 / 31.81 mIoU / mAcc on val.
_base_ = [
    '_base_/models/fcn_litehrnet-18-with-head.py', '_base_/datasets/ade20k.py',
    '_base_/default_runtime.py', '_base_/schedules/schedule_160k.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes={{_base_.num_classes}}))
