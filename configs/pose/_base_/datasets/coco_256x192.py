# COCO person keypoints, top-down, 256x192 (HRNet/Lite-HRNet, configs/top_down/lite_hrnet/coco/
# litehrnet_18_coco_256x192.py; docs/original_work.md, 'Pose training recipe').
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'

codec = dict(type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)

# The official augmentations, drawn as the original (mmpose 0.x) drew them: flip with
# probability 0.5; half-body (TopDownHalfBodyTransform(num_joints_half_body=8,
# prob_half_body=0.3)); scale factor N(1, 0.25) clipped to [0.75, 1.25], always; rotation
# N(0, 30 deg) clipped to +/-60 deg, with probability 0.6 (TopDownGetRandomScaleRotation(
# rot_factor=30, scale_factor=0.25)); plus the dataset's once-drawn box-centre shift below.
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody', selection='upper_first', min_total_keypoints=9,
         min_upper_keypoints=3, min_lower_keypoints=3, padding=1.5, prob=0.3),
    dict(type='RandomScaleRotation', scale_sigma=0.25, scale_limit=0.25, rotate_sigma=30.0,
         rotate_limit=60.0, rotate_prob=0.6),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_train2017.json',
        data_prefix=dict(img='train2017/'),
        # mmpose 0.x's TopDownCocoDataset moved the centre of 30% of the training boxes by up
        # to +/-20% of the box size, drawn once when the dataset was built
        center_shift_prob=0.3,
        center_shift_max=0.2,
        pipeline=train_pipeline))
# Validation during training uses ground-truth boxes, as the official val split did.
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_val2017.json',
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=val_pipeline))
# The published numbers: person boxes of a detector with human AP 56.4, all scores kept.
test_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_val2017.json',
        bbox_file='person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
        filter_cfg=dict(bbox_score_thr=0.0),
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=val_pipeline))

val_evaluator = dict(type='CocoMetric',
                     ann_file=data_root + 'annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator
