_base_ = ['./litehrnet_18_topdown.py']
# The original configs say in_channels=40 for the head, but this backbone emits 30 channels
# (REFERENCE.md 0.3); the published FLOPs are reproduced with 30.
model = dict(
    backbone=dict(
        extra=dict(
            stages_spec=dict(
                module_type=('NAIVE', 'NAIVE', 'NAIVE'),
                reduce_ratios=(1, 1, 1),  # unused by NAIVE modules
                num_channels=((30, 60), (30, 60, 120), (30, 60, 120, 240))))),
    head=dict(in_channels=30))
