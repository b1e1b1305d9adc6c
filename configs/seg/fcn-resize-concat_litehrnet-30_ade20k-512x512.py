# Lite-HRNet-30 (without the IterativeHead) + FCN resize-concat head (1x1 conv on all branches),
# ADE20K 512x512 crops, batch 32 (8 GPUs x 4), 160k iterations, from scratch.
# The fork's result (REFERENCE.md 2.5): 24.38 / 32.52 mIoU / mAcc on val.
_base_ = './fcn-resize-concat_litehrnet-18_ade20k-512x512.py'
model = dict(backbone=dict(extra=dict(stages_spec=dict(num_modules=(3, 8, 3)))))
