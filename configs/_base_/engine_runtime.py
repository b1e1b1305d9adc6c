# What every training run of this project shares, pose and segmentation alike: the hooks of the
# `engine` package. They stop at the first NaN/inf loss or weight (keeping the last good
# checkpoint), reseed the augmentations per iteration (a resumed run repeats the uninterrupted
# one), report the samples skipped by opt-in transforms (e.g. LoadImage(skip_corrupt=True)),
# write checkpoints atomically (a killed run leaves no truncated one), and let --deterministic
# run on CUDA (ops without a deterministic kernel warn).
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='AugmentationSeedHook'),
    dict(type='SkippedSampleReportHook'),
    dict(type='AtomicCheckpointHook'),
    dict(type='DeterministicWarnOnlyHook'),
]
log_level = 'INFO'
load_from = None
resume = False
