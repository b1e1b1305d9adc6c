_base_ = ['./litehrnet_18_topdown.py']
model = dict(
    backbone=dict(extra=dict(stages_spec=_base_.wider_naive_litehrnet_18.extra.stages_spec)))
