# Lite-HRNet-18 with the IterativeHead + a 1x1 FCN head on its four outputs resized and
# concatenated (40 + 40 + 80 + 160 = 320 channels; Junjun2016/LiteHRNet,
# configs/_base_/models/fcn-resize-concat_litehr18-with-head.py).
_base_ = './fcn-resize-concat_litehrnet-18.py'
model = dict(
    backbone=dict(extra=dict(with_head=True)),
    decode_head=dict(in_channels=[40, 40, 80, 160], channels=320))
