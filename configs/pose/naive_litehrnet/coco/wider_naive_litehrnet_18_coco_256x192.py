_base_ = [
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/adam_210e.py',
    '../../_base_/models/wider_naive_litehrnet_18_topdown.py',
    '../../_base_/datasets/coco_256x192.py',
]
model = dict(head=dict(decoder={{_base_.codec}}))
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
