# Demo: the ADE20K recipe of fcn_litehrnet-18_ade20k-512x512.py run on the three bundled images
# (data/samples/ade20k, from the challenge devkit; they sit in the validation split, so that
# split serves for both training and evaluation). It shows the whole path working and the
# network fitting those images, in 2 to 4 minutes on 2 CPU cores:
#   python tools/train.py configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py
# Changed from the real recipe, and why:
# - BN instead of SyncBN: one process, no process group to synchronise with;
# - images scaled to a 192-pixel short side, 192x192 crops, to be quick;
# - Adam lr 2e-3 for 200 iterations instead of SGD lr 0.01 for 160k: plain SGD at 0.01 barely
#   moves a from-scratch network within a few hundred iterations;
# - evaluation every 40 iterations, so the log shows mIoU rising from an early evaluation.
_base_ = '../fcn_litehrnet-18_ade20k-512x512.py'

data_root = 'data/samples/ade20k/ADEChallengeData2016'
crop_size = (192, 192)
max_iters = 200
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(norm_cfg=norm_cfg),
    decode_head=dict(norm_cfg=norm_cfg))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadSegAnnotations'),
    dict(type='CheckSegLabel', num_classes={{_base_.num_classes}}),
    dict(type='RandomResize', scale=(1024, 192), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 192), keep_ratio=True),
    dict(type='LoadSegAnnotations'),
    dict(type='CheckSegLabel', num_classes={{_base_.num_classes}}),
    dict(type='PackSegInputs'),
]
sample_split = dict(img_path='images/validation', seg_map_path='annotations/validation')
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        dataset=dict(data_root=data_root, data_prefix=sample_split, pipeline=train_pipeline)))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        dataset=dict(data_root=data_root, data_prefix=sample_split, pipeline=test_pipeline)))
test_dataloader = val_dataloader

optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=2e-3, weight_decay=0.0))
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-5, power=0.9, begin=0, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=40)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=max_iters, save_best=None),
    # mmseg's hook: every validation image, prediction beside ground truth, at each evaluation
    # (vis_data/vis_image/); off in the published configs (draw=False).
    visualization=dict(draw=True, interval=1))
randomness = dict(seed=0)
