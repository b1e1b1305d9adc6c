_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/adam_210e.py',
    '../../_base_/models/litehrnet_18_topdown.py',
    '../../_base_/datasets/mpii_256x256.py',
]
model = dict(head=dict(out_channels=16, decoder={{_base_.codec}}))
# Evaluated every 5 epochs, as published.
train_cfg = dict(val_interval=5)
# 32 images per GPU on 8 GPUs, as published: the learning rate is that of 256 per step.
auto_scale_lr = dict(base_batch_size=256)
default_hooks = dict(checkpoint=dict(save_best='PCKh', rule='greater'))
