# The published Lite-HRNet backbones, the one place their architecture is written: the pose,
# segmentation and detection configs take theirs from here (`_base_.litehrnet_18`, ...).
# Lite-HRNet-18 and -30: the paper's Table 1 (Yu et al., CVPR 2021), as the original configs
# write them (HRNet/Lite-HRNet, configs/top_down/lite_hrnet/coco/litehrnet_{18,30}_coco_256x192.py).
litehrnet_18 = dict(
    type='LiteHRNet',
    in_channels=3,
    extra=dict(
        stem=dict(stem_channels=32, out_channels=32, expand_ratio=1),
        num_stages=3,
        stages_spec=dict(
            num_modules=(2, 4, 2),
            num_branches=(2, 3, 4),
            num_blocks=(2, 2, 2),
            module_type=('LITE', 'LITE', 'LITE'),
            with_fuse=(True, True, True),
            reduce_ratios=(8, 8, 8),
            num_channels=((40, 80), (40, 80, 160), (40, 80, 160, 320))),
        with_head=True))
litehrnet_30 = dict(
    litehrnet_18,
    extra=dict(
        litehrnet_18['extra'],
        stages_spec=dict(litehrnet_18['extra']['stages_spec'], num_modules=(3, 8, 3))))
# The Naive variants (paper Table 5; configs/top_down/naive_litehrnet/): ShuffleNet units in
# place of the conditional channel weighting; the narrow one has 30/60/120/240 channels.
# reduce_ratios are unused by Naive modules, (1, 1, 1) as in the original configs.
wider_naive_litehrnet_18 = dict(
    litehrnet_18,
    extra=dict(
        litehrnet_18['extra'],
        stages_spec=dict(
            litehrnet_18['extra']['stages_spec'],
            module_type=('NAIVE', 'NAIVE', 'NAIVE'),
            reduce_ratios=(1, 1, 1))))
naive_litehrnet_18 = dict(
    wider_naive_litehrnet_18,
    extra=dict(
        wider_naive_litehrnet_18['extra'],
        stages_spec=dict(
            wider_naive_litehrnet_18['extra']['stages_spec'],
            num_channels=((30, 60), (30, 60, 120), (30, 60, 120, 240)))))
