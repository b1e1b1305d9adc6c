# Lite-HRNet-30 (with the IterativeHead) + FCN head (2 3x3 convs on the 1/4 branch),
# ADE20K 512x512 crops, batch 32 (8 GPUs x 4), 160k iterations, from scratch.
# The fork's result (REFERENCE.md 2.5): 24.06 / 31.78 mIoU / mAcc on val.
_base_ = './fcn_litehrnet-18-with-head_ade20k-512x512.py'
model = dict(backbone=dict(extra=dict(stages_spec=dict(num_modules=(3, 8, 3)))))
