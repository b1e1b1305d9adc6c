# Lite-HRNet-18 (without the IterativeHead) + FCN resize-concat head (1x1 conv on all branches),
# Cityscapes 512x1024 crops, batch 16 (8 GPUs x 2), 640k iterations, from scratch.
# The fork's result: 70.22 / 78.42 mIoU / mAcc on val (Junjun2016/LiteHRNet,
# results/litehr-cityscapes_results_20210908_224254.csv, row
# fcn-resize-concat_litehr18-without-head_512x1024_8x2_640k_cityscapes).
_base_ = [
    '_base_/models/fcn-resize-concat_litehrnet-18.py', '_base_/datasets/cityscapes.py',
    '_base_/default_runtime.py', '_base_/schedules/schedule_640k.py'
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}))
