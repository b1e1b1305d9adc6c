# Cityscapes fine annotations, 19 classes, 512x1024 crops: the fork's
# configs/_base_/datasets/cityscapes.py (Junjun2016/LiteHRNet; docs/original_work.md,
# 'Schedule') in mmseg 1.x form.
# Labels are the *_gtFine_labelTrainIds.png made by tools/dataset_converters/cityscapes.py.
dataset_type = 'CityscapesDataset'
data_root = 'data/cityscapes/'
num_classes = 19
crop_size = (512, 1024)
# Every split is wrapped in CheckedDataset: a missing folder or label map stops the run before
# training starts, naming the path and giving this hint.
data_hint = ('Download leftImg8bit_trainvaltest.zip and gtFine_trainvaltest.zip from '
             'https://www.cityscapes-dataset.com, unpack both into the data_root and run '
             'python tools/dataset_converters/cityscapes.py <data_root> --nproc 8')
# LoadImage is mmcv's LoadImageFromFile naming a missing or undecodable image; with
# skip_corrupt=True it skips undecodable training images, counted and reported at the end
# (--cfg-options train_dataloader.dataset.dataset.pipeline.0.skip_corrupt=True). The test
# pipelines keep LoadImageFromFile, which mmseg's SegInferencer looks up by name.
# LoadSegAnnotations is mmseg's LoadAnnotations naming a missing or undecodable (e.g. truncated)
# label map. CheckSegLabel: a label map of another size than its image, or an id outside 0..18
# other than 255, raises an error naming the file (mmseg alone trains on or miscounts such
# pixels).
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadSegAnnotations'),
    dict(type='CheckSegLabel', num_classes=num_classes),
    dict(type='RandomResize', scale=(2048, 1024), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
# Labels are loaded after the resize: predictions are scored at the original resolution.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadSegAnnotations'),
    dict(type='CheckSegLabel', num_classes=num_classes),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=2,  # per GPU; the fork trained on 8 GPUs (total 16)
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='CheckedDataset',
        hint=data_hint,
        dataset=dict(
            type=dataset_type,
            data_root=data_root,
            data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
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
            data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
            pipeline=test_pipeline)))
test_dataloader = val_dataloader
# The official scripts' scores (class and category IoU, as the benchmark reports them) instead:
#   tools/test.py CONFIG CKPT --cfg-options test_evaluator.type=CityscapesOfficialMetric \
#       test_evaluator.output_dir=work_dirs/cityscapes_eval test_evaluator.keep_results=True
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
# lr as published for a total batch of 16; `auto_scale_lr.enable=True` rescales it linearly.
auto_scale_lr = dict(enable=False, base_batch_size=16)
