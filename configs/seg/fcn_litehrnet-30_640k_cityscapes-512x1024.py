# Lite-HRNet-30 (without the IterativeHead) + FCN head (2 3x3 convs on the 1/4 branch),
# Cityscapes 512x1024 crops, batch 16 (8 GPUs x 2), 640k iterations, from scratch.
# The fork's result: 74.34 / 82.25 mIoU / mAcc on val (Junjun2016/LiteHRNet,
# results/litehr-cityscapes_results_20210908_224254.csv, row
# fcn_litehr30-without-head_512x1024_8x2_640k_cityscapes).
_base_ = './fcn_litehrnet-18_640k_cityscapes-512x1024.py'
model = dict(backbone=dict(extra=dict(stages_spec=_base_.litehrnet_30.extra.stages_spec)))
