_base_ = ['./litehrnet_18_topdown.py']
model = dict(backbone=dict(extra=dict(stages_spec=_base_.litehrnet_30.extra.stages_spec)))
