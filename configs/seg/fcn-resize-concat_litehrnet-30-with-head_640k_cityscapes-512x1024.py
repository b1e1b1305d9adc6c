# Lite-HRNet-30 (with the IterativeHead) + FCN resize-concat head (1x1 conv on all branches),
# Cityscapes 512x1024 crops, batch 16 (8 GPUs x 2), 640k iterations, from scratch.
# The fork's result (REFERENCE.md 2.5): 74.20 / 82.24 mIoU / mAcc on val.
_base_ = './fcn-resize-concat_litehrnet-18-with-head_640k_cityscapes-512x1024.py'
model = dict(backbone=dict(extra=dict(stages_spec=dict(num_modules=(3, 8, 3)))))
