# The multi-task model's second head (pose.models.MaskHead): the person's silhouette on the
# heatmap grid from the backbone's 1/4 branch. One depthwise-separable block of 32 channels and
# a 1x1 read-out: about 1,700 multiply-accumulates per heatmap pixel on Lite-HRNet-18's 40
# channels (docs/multitask.md). The mask loss weights keep its gradients in the shared backbone
# below the keypoints' (the heatmap MSE is ~1e-3, BCE ~0.1-0.7): measured in docs/multitask.md.
mask_head = dict(
    type='MaskHead',
    in_channels=40,
    channels=32,
    num_convs=1,
    loss=dict(type='MaskBCEDiceLoss', bce_weight=0.005, dice_weight=0.005))
