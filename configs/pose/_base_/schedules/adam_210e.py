# The published recipe (REFERENCE.md 1.5): Adam 2e-3, 500-iteration linear warm-up from 0.001x,
# x0.1 at epochs 170 and 200, 210 epochs, on 8 GPUs (batch 512 at 256x192, 256 otherwise).
train_cfg = dict(by_epoch=True, max_epochs=210, val_interval=10)
val_cfg = dict()
test_cfg = dict()

optim_wrapper = dict(optimizer=dict(type='Adam', lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=210, milestones=[170, 200], gamma=0.1),
]
# The learning rate is scaled linearly for other total batch sizes with --auto-scale-lr
# semantics (mmengine: enable=True scales lr by real_batch / base_batch_size).
auto_scale_lr = dict(enable=False, base_batch_size=512)
