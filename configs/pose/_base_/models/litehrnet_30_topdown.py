_base_ = ['./litehrnet_18_topdown.py']
model = dict(backbone=dict(extra=dict(stages_spec=dict(num_modules=(3, 8, 3)))))
