# Lite-HRNet-18 (without the IterativeHead) + FCN head (2 3x3 convs on the 1/4 branch),
# ADE20K 512x512 crops, batch 32 (8 GPUs x 4), 160k iterations, from scratch.
# The fork's two runs: 20.82 / 27.58 and 21.98 / 29.06 mIoU / mAcc on val
# (Junjun2016/LiteHRNet, results/litehr-ade20k_results_20210908_224220.csv, rows
# fcn_litehr18-without-head_512x512_160k_ade20k).
_base_ = [
    '_base_/models/fcn_litehrnet-18.py', '_base_/datasets/ade20k.py',
    '_base_/default_runtime.py', '_base_/schedules/schedule_160k.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes={{_base_.num_classes}}))
