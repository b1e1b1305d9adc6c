"""Lite-HRNet as an mmdet 3.x backbone: all four branches through HRFPN into RTMDet's head,
built from mmdet's registry, trained and run on the bundled COCO sample's people."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope

from litehrnet import LiteHRNet
from pose.apis import init_model

ROOT = Path(__file__).resolve().parents[2]
DETECTOR = ROOT / 'configs/det/rtmdet_litehrnet-18-hrfpn_8xb32-300e_coco-person.py'
SAMPLE_DETECTOR = ROOT / 'configs/det/demo/rtmdet_litehrnet-18-hrfpn_coco-person-sample.py'
POSE = ROOT / 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py'


@pytest.fixture(autouse=True)
def mmdet_scope():
    """Build from mmdet's registries, as the config's default_scope says; one CPU thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield
    torch.set_num_threads(threads)


def build(config: Path, **overrides) -> torch.nn.Module:
    from mmdet.registry import MODELS
    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(overrides)
    return MODELS.build(cfg.model)


def sample_batch(split: str, size: int) -> dict:
    """The first ``size`` samples of the sample config's ``split`` dataloader (an mmdet
    CocoDataset of the class 'person' on data/samples/coco)."""
    from mmdet.registry import DATASETS
    cfg = Config.fromfile(str(SAMPLE_DETECTOR))
    dataset = DATASETS.build(cfg[f'{split}_dataloader'].dataset)
    assert dataset.metainfo['classes'] == ('person', ) and len(dataset) == 4
    return pseudo_collate([dataset[i] for i in range(size)])


def test_built_from_mmdet_with_all_four_branches():
    from mmdet.models.detectors import RTMDet
    from mmdet.models.necks import HRFPN
    model = build(DETECTOR)
    assert isinstance(model, RTMDet) and isinstance(model.neck, HRFPN)
    assert type(model.backbone) is LiteHRNet and model.backbone.out_indices == (0, 1, 2, 3)
    features = model.extract_feat(torch.rand(1, 3, 320, 256))
    # HRFPN's stride-2 output convs: 1/8, 1/16, 1/32, RTMDet's levels.
    assert [tuple(f.shape) for f in features] == [(1, 96, 40, 32), (1, 96, 20, 16),
                                                  (1, 96, 10, 8)]


def test_the_released_pose_model_initialises_the_backbone(tmp_path):
    """The config's init_cfg loads a pose checkpoint's backbone (prefix 'backbone.'): every
    weight of the detector's backbone, and nothing else."""
    pose = init_model(str(POSE))
    torch.manual_seed(0)
    with torch.no_grad():
        for p in pose.parameters():
            p.normal_()
    path = tmp_path / 'litehrnet18_coco_256x192.pth'
    torch.save(dict(state_dict=pose.state_dict()), path)

    model = build(DETECTOR, model=dict(backbone=dict(
        norm_cfg=dict(type='BN'), init_cfg=dict(checkpoint=str(path)))))
    model.init_weights()
    pose_backbone = {k[len('backbone.'):]: v for k, v in pose.state_dict().items()
                     if k.startswith('backbone.')}
    ours = model.backbone.state_dict()
    assert set(ours) == {k for k in pose_backbone if not k.startswith('head_layer.')}
    for key, value in ours.items():
        assert torch.equal(value, pose_backbone[key]), key


@pytest.mark.slow
def test_loss_and_prediction_on_the_sample():
    # The demo config freezes the backbone it takes from the pose demo; trained end to end here.
    model = build(SAMPLE_DETECTOR, **{'model.backbone.frozen_stages': -1,
                                      'model.backbone.norm_eval': False})
    model.init_weights()
    model.train()
    data = model.data_preprocessor(sample_batch('train', 2), True)
    loss, log = model.parse_losses(model(**data, mode='loss'))
    assert set(log) >= {'loss_cls', 'loss_bbox'} and torch.isfinite(loss)
    loss.backward()
    grads = {name: p.grad for name, p in model.backbone.named_parameters()}
    assert all(g is not None and torch.isfinite(g).all() for g in grads.values())
    # The stem, and what makes and last fuses the 1/32 branch: every branch is used.
    for name in ('stem.conv1.conv.weight', 'transition2.3.0.0.weight',
                 'stage2.1.fuse_layers.3.2.0.3.weight'):
        assert grads[name].abs().sum() > 0, name

    model.eval()
    batch = sample_batch('val', 2)
    with torch.no_grad():
        predictions = model.test_step(batch)
    for prediction in predictions:
        pred = prediction.pred_instances
        assert pred.bboxes.shape == (len(pred.scores), 4) and len(pred.scores) > 0
        assert (pred.labels == 0).all()  # one class: person
        # In image pixels: scaled back from the 320x320 letterboxed input.
        scale_x, scale_y = prediction.metainfo['scale_factor']
        assert prediction.metainfo['img_shape'] == (320, 320) and scale_x < 1
        assert pred.bboxes[:, 0::2].max() <= 320 / scale_x + 1e-3
        assert pred.bboxes[:, 1::2].max() <= 320 / scale_y + 1e-3
