_base_ = ['./litehrnet_18_topdown.py']
model = dict(
    backbone=dict(
        extra=dict(
            stages_spec=dict(
                module_type=('NAIVE', 'NAIVE', 'NAIVE'),
                reduce_ratios=(1, 1, 1)))))  # unused by NAIVE modules
