# Lite-HRNet-18 (without the IterativeHead) + FCN head (2 3x3 convs on the 1/4 branch),
# Cityscapes 512x1024 crops, batch 16 (8 GPUs x 2), 160k iterations, from scratch.
# The fork's result: 69.43 / 78.15 mIoU / mAcc on val (Junjun2016/LiteHRNet,
# results/litehr-cityscapes_results_20210908_224254.csv, row
# fcn_litehr18-without-head_512x1024_8x2_160k_cityscapes).
_base_ = [
    '_base_/models/fcn_litehrnet-18.py', '_base_/datasets/cityscapes.py',
    '_base_/default_runtime.py', '_base_/schedules/schedule_160k.py'
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}))
