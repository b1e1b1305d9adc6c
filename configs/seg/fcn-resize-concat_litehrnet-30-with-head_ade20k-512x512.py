# Lite-HRNet-30 (with the IterativeHead) + FCN resize-concat head (1x1 conv on all branches),
# ADE20K 512x512 crops, batch 32 (8 GPUs x 4), 160k iterations, from scratch.
# The fork's result: 26.81 / 34.96 mIoU / mAcc on val (Junjun2016/LiteHRNet,
# results/litehr-ade20k_results_20210908_224220.csv, row
# fcn-resize-concat_litehr30-with-head_512x512_160k_ade20k).
_base_ = './fcn-resize-concat_litehrnet-18-with-head_ade20k-512x512.py'
model = dict(backbone=dict(extra=dict(stages_spec=_base_.litehrnet_30.extra.stages_spec)))
