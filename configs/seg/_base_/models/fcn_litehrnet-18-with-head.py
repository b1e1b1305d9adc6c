# Lite-HRNet-18 with the IterativeHead (branches [40, 40, 80, 160]) + FCN head on branch 0
# (Junjun2016/LiteHRNet, configs/_base_/models/fcn_litehr18-with-head.py).
_base_ = './fcn_litehrnet-18.py'
model = dict(backbone=dict(extra=dict(with_head=True)))
