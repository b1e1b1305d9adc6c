# The fork's schedule (Junjun2016/LiteHRNet, configs/_base_/schedules/schedule_160k.py;
# docs/original_work.md, 'Schedule'): SGD lr 0.01, momentum 0.9, weight decay 5e-4, poly decay
# (power 0.9) to 1e-4 by iteration, 160k iterations, evaluate and save every 16k; keeping the
# best mIoU checkpoint is ours. Total batch 16 (8 GPUs x 2) on Cityscapes, 32 (8 x 4) on ADE20K.
max_iters = 160000
interval = max_iters // 10

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005),
    clip_grad=None)
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='MainProcessLoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=interval, save_best='mIoU'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
