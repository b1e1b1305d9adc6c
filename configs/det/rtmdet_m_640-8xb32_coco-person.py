# RTMDet-m person detector, 640x640: mmpose's default detector for its top-down demos; person
# AP 62.5 against RTMDet-nano's 40.3, at 38.95 GFLOPs against 0.31 (mmpose,
# projects/rtmpose/README.md, "Person detector" table).
# Config: open-mmlab/mmpose, projects/rtmpose/rtmdet/person/rtmdet_m_640-8xb32_coco-person.py
# (also demo/mmdetection_cfg/rtmdet_m_640-8xb32_coco-person.py).
# Weights: the RTMPose model zoo (projects/rtmpose/README.md, "Person detector"), trained on
# COCO + Objects365 person boxes; one class, 'person'.
_base_ = 'mmdet::rtmdet/rtmdet_m_8xb32-300e_coco.py'

load_from = ('https://download.openmmlab.com/mmpose/v1/projects/rtmpose/'
             'rtmdet_m_8xb32-100e_coco-obj365-person-235e8209.pth')
# The ImageNet-pretrained CSPNeXt-m that training starts from (mmdet's RTMDet-m recipe).
checkpoint = ('https://download.openmmlab.com/mmdetection/v3.0/rtmdet/cspnext_rsb_pretrain/'
              'cspnext-m_8xb256-rsb-a1-600e_in1k-ecb3bbd9.pth')

model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', prefix='backbone.', checkpoint=checkpoint)),
    bbox_head=dict(num_classes=1))

train_dataloader = dict(dataset=dict(metainfo=dict(classes=('person', ))))
val_dataloader = dict(dataset=dict(metainfo=dict(classes=('person', ))))
test_dataloader = val_dataloader
