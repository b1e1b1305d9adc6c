_base_ = ['../../_base_/engine_runtime.py']
default_scope = 'pose'
custom_imports = dict(imports=['litehrnet', 'engine', 'pose'],
                      allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='MainProcessLoggerHook', interval=50),  # engine
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # Validation predictions beside the ground truth, as pictures (pose/visualization/): off
    # here, no drawing cost on a cluster; `enable=True` (the demo configs) turns it on.
    visualization=dict(type='PoseVisualizationHook', enable=False, interval=1, num_images=4),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

# TensorBoard: --cfg-options "visualizer.vis_backends=[dict(type='LocalVisBackend'),dict(type='TensorboardVisBackend')]"
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True)
