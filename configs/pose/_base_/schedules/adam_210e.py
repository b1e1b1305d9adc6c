# The published recipe (HRNet/Lite-HRNet, configs/top_down/lite_hrnet/coco/
# litehrnet_18_coco_256x192.py and siblings; docs/original_work.md, 'Pose training recipe'):
# Adam 2e-3, 500-iteration linear warm-up from 0.001x, x0.1 at epochs 170 and 200, 210 epochs,
# on 8 GPUs (512 images per step on COCO 256x192, 256 at 384x288 and on MPII).
train_cfg = dict(by_epoch=True, max_epochs=210, val_interval=10)
val_cfg = dict()
test_cfg = dict()

optim_wrapper = dict(optimizer=dict(type='Adam', lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=210, milestones=[170, 200], gamma=0.1),
]
# `--cfg-options auto_scale_lr.enable=True` rescales the learning rate linearly to another total
# batch (mmengine: lr x real_batch / base_batch_size); the 256-image recipes override the base.
auto_scale_lr = dict(enable=False, base_batch_size=512)
