# Runtime shared by every segmentation config (the fork's default_runtime: log every 50
# iterations, cudnn benchmark on; REFERENCE.md 2.4).
default_scope = 'mmseg'
custom_imports = dict(imports=['litehrnet', 'litehrnet.engine', 'seg'],
                      allow_failed_imports=False)

# litehrnet.engine's hooks: stop at the first NaN/inf loss (keeping the last good checkpoint),
# reseed the augmentations per iteration (a resumed run repeats the uninterrupted one), and
# report the samples skipped by opt-in transforms (e.g. LoadImage(skip_corrupt=True)).
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='AugmentationSeedHook'),
    dict(type='SkippedSampleReportHook'),
]

env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

# TensorBoard as well: --cfg-options \
#   "visualizer.vis_backends=[dict(type='LocalVisBackend'),dict(type='TensorboardVisBackend')]"
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
