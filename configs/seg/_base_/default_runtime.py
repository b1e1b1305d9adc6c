# Runtime shared by every segmentation config: cudnn benchmark on, as the fork's
# configs/_base_/default_runtime.py (Junjun2016/LiteHRNet); its log interval of 50 iterations is
# set with the logger hook in the schedules.
default_scope = 'mmseg'
custom_imports = dict(imports=['litehrnet', 'engine', 'seg'],
                      allow_failed_imports=False)

# Hooks of the shared `engine` package: stop at the first NaN/inf loss or weight (keeping the
# last good checkpoint), reseed the augmentations per iteration (a resumed run repeats the
# uninterrupted one), report the samples skipped by opt-in transforms (e.g.
# LoadImage(skip_corrupt=True)), write checkpoints atomically (a killed run leaves no truncated
# one), and let --deterministic run on CUDA (ops without a deterministic kernel warn).
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='AugmentationSeedHook'),
    dict(type='SkippedSampleReportHook'),
    dict(type='AtomicCheckpointHook'),
    dict(type='DeterministicWarnOnlyHook'),
]

# The fork's runs were seeded with 0 and not deterministic ("Set random seed to 0,
# deterministic: False" in its work_dirs/*/2021*.log); `tools/train.py --seed N` overrides it.
randomness = dict(seed=0)

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
