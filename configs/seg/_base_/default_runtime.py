# Runtime shared by every segmentation config: cudnn benchmark on, as the fork's
# configs/_base_/default_runtime.py (Junjun2016/LiteHRNet); its log interval of 50 iterations is
# set with the logger hook in the schedules.
_base_ = ['../../_base_/engine_runtime.py']
default_scope = 'mmseg'
custom_imports = dict(imports=['litehrnet', 'engine', 'seg'],
                      allow_failed_imports=False)

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
