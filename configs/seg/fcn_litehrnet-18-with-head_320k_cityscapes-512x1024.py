# Lite-HRNet-18 (with the IterativeHead) + FCN head (2 3x3 convs on the 1/4 branch),
# Cityscapes 512x1024 crops, batch 16 (8 GPUs x 2), 320k iterations, from scratch.
# The fork's result: 73.03 / 81.35 mIoU / mAcc on val (Junjun2016/LiteHRNet,
# results/litehr-cityscapes_results_20210908_224254.csv, row
# fcn_litehr18-with-head_512x1024_8x2_320k_cityscapes).
_base_ = [
    '_base_/models/fcn_litehrnet-18-with-head.py', '_base_/datasets/cityscapes.py',
    '_base_/default_runtime.py', '_base_/schedules/schedule_320k.py'
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}))
