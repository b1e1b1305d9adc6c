# Lite-HRNet-30 keypoints + person silhouettes: the -18 multi-task recipe on the -30 backbone
# (configs/pose/_base_/models/litehrnet_30_topdown.py), as the pose configs pair them.
_base_ = ['./litehrnet_18_mask_coco_256x192.py']
model = dict(backbone=dict(extra=dict(stages_spec=_base_.litehrnet_30.extra.stages_spec)))
