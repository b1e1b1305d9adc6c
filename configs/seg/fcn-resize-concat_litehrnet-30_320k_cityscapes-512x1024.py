# Lite-HRNet-30 (without the IterativeHead) + FCN resize-concat head (1x1 conv on all branches),
# Cityscapes 512x1024 crops, batch 16 (8 GPUs x 2), 320k iterations, from scratch.
# The fork's result: 72.12 / 80.15 mIoU / mAcc on val (Junjun2016/LiteHRNet,
# results/litehr-cityscapes_results_20210908_224254.csv, row
# fcn-resize-concat_litehr30-without-head_512x1024_8x2_320k_cityscapes).
_base_ = './fcn-resize-concat_litehrnet-18_320k_cityscapes-512x1024.py'
model = dict(backbone=dict(extra=dict(stages_spec=_base_.litehrnet_30.extra.stages_spec)))
