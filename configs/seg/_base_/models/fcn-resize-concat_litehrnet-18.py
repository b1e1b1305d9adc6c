# Lite-HRNet-18 without the IterativeHead + a 1x1 FCN head on all four branches resized to
# 1/4 and concatenated (40 + 80 + 160 + 320 = 600 channels; Junjun2016/LiteHRNet,
# configs/_base_/models/fcn-resize-concat_litehr18-without-head.py).
_base_ = './fcn_litehrnet-18.py'
model = dict(
    decode_head=dict(
        in_channels=[40, 80, 160, 320],
        in_index=(0, 1, 2, 3),
        channels=600,
        input_transform='resize_concat',
        kernel_size=1,
        num_convs=1,
        concat_input=False,
        dropout_ratio=-1))
