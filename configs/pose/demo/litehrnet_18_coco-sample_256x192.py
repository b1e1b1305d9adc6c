# The main job of `make demo`: Lite-HRNet-18 256x192 trained from scratch on the bundled COCO
# sample (4 images, 12 people with keypoints) and evaluated on the same people. Overfitting a tiny
# set is the point: it shows the whole path (data, targets, model, loss, decoding, COCO AP) learns.
_base_ = ['../lite_hrnet/coco/litehrnet_18_coco_256x192.py']

data_root = 'data/samples/coco/'
ann_file = 'test_coco.json'

# The published optimizer (Adam 2e-3); a short warm-up and a late step suit 12 samples/epoch
# in batches of 4 (more steps per second of CPU than large batches).
train_cfg = dict(max_epochs=100, val_interval=25)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=20),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=100, milestones=[85], gamma=0.1),
]

# Mild augmentation: flips and small scale/rotation changes; no box-centre shift (the
# published recipe's, inherited, is turned off below).
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0, scale_factor=(0.9, 1.1),
         rotate_factor=10.0, rotate_prob=0.5),
    dict(type='TopdownAffine', input_size={{_base_.codec.input_size}}),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file=ann_file, data_prefix=dict(img=''),
                 center_shift_prob=0., pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=14,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file=ann_file, data_prefix=dict(img='')))
# tools/test.py follows the published protocol: the sample's detector boxes (human AP 56.4).
test_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file=ann_file, data_prefix=dict(img=''),
                 bbox_file='test_coco_det_AP_H_56.json'))
val_evaluator = dict(ann_file=data_root + ann_file)
test_evaluator = val_evaluator

default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=50, max_keep_ckpts=1),
    # The 4 images' predictions beside their ground truth at every evaluation (vis_data/).
    visualization=dict(enable=True))
log_processor = dict(window_size=10)
randomness = dict(seed=0)
