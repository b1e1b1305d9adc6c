_base_ = ['./litehrnet_18_topdown.py']
# The original configs say in_channels=40 for the head, but this backbone emits 30 channels
# (HRNet/Lite-HRNet, configs/top_down/naive_litehrnet/coco/naive_litehrnet_18_coco_256x192.py);
# the published FLOPs are reproduced with 30 (docs/original_work.md, 'FLOP counting rules').
model = dict(
    backbone=dict(extra=dict(stages_spec=_base_.naive_litehrnet_18.extra.stages_spec)),
    head=dict(in_channels=30))
