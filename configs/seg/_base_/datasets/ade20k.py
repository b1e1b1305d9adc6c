# ADE20K (SceneParsing, 150 classes), 512x512 crops: the fork's configs/_base_/datasets/ade20k.py
# (Junjun2016/LiteHRNet; docs/original_work.md, 'Schedule') in mmseg 1.x form.
dataset_type = 'ADE20KDataset'
data_root = 'data/ade/ADEChallengeData2016'
num_classes = 150
crop_size = (512, 512)
data_hint = ('Download ADEChallengeData2016.zip from '
             'http://data.csail.mit.edu/places/ADEchallenge/ and unpack it into data/ade')
# Label 0 ("other") becomes 255 (ignored) and 1..150 become 0..149. It is set on the dataset:
# mmseg 1.x deprecates LoadAnnotations(reduce_zero_label=...), which reads it from there.
reduce_zero_label = True
# LoadImage is mmcv's LoadImageFromFile naming a missing or undecodable image; with
# skip_corrupt=True it skips undecodable training images, counted and reported at the end
# (--cfg-options train_dataloader.dataset.dataset.pipeline.0.skip_corrupt=True). The test
# pipelines keep LoadImageFromFile, which mmseg's SegInferencer looks up by name.
# LoadSegAnnotations is mmseg's LoadAnnotations naming a missing or undecodable (e.g. truncated)
# label map. CheckSegLabel: a label map of another size than its image, or a file id above 150,
# raises an error naming the file.
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadSegAnnotations'),
    dict(type='CheckSegLabel', num_classes=num_classes),
    dict(type='RandomResize', scale=(2048, 512), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
# Labels are loaded after the resize: predictions are scored at the original resolution.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 512), keep_ratio=True),
    dict(type='LoadSegAnnotations'),
    dict(type='CheckSegLabel', num_classes=num_classes),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=4,  # per GPU; the fork trained on 8 GPUs (total 32)
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='CheckedDataset',
        hint=data_hint,
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            reduce_zero_label=reduce_zero_label,
            data_prefix=dict(img_path='images/training', seg_map_path='annotations/training'),
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CheckedDataset',
        hint=data_hint,
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            reduce_zero_label=reduce_zero_label,
            data_prefix=dict(img_path='images/validation',
                             seg_map_path='annotations/validation'),
            pipeline=test_pipeline)))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
# lr as published for a total batch of 32; `auto_scale_lr.enable=True` rescales it linearly.
auto_scale_lr = dict(enable=False, base_batch_size=32)
