# The fork's 320k schedule: schedule_160k.py with 320k iterations (the poly decay, evaluation
# and checkpoint intervals follow).
_base_ = './schedule_160k.py'
max_iters = 320000
interval = max_iters // 10

param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=interval)
default_hooks = dict(checkpoint=dict(interval=interval))
