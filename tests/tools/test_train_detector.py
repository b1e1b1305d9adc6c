"""tools/train.py trains an mmdet config too: the Lite-HRNet-18 person detector on the bundled
COCO sample, whose checkpoint then serves as the pose inferencer's detector."""
import numpy as np

from pose.apis import MMDetPersonDetector

CONFIG = 'configs/det/demo/rtmdet_litehrnet-18-hrfpn_coco-person-sample.py'


def test_train_the_lite_hrnet_detector_on_the_sample(tools, tmp_path):
    work_dir = tmp_path / 'work'
    result = tools.train(CONFIG, '--work-dir', str(work_dir), '--cfg-options',
                         'train_cfg.max_epochs=2', 'train_cfg.val_interval=2',
                         'default_hooks.checkpoint.interval=2')
    assert result.returncode == 0, tools.tail(result)

    scalars = tools.scalars(work_dir)
    losses = [s['loss'] for s in scalars if 'loss' in s]
    assert len(losses) == 2 and all(np.isfinite(losses))  # 4 images, batch 4: 1 step/epoch
    assert any('coco/bbox_mAP' in s for s in scalars)  # mmdet's CocoMetric ran
    checkpoint = (work_dir / 'last_checkpoint').read_text().strip()

    # The trained weights load strictly into the detector stage of the pose inferencer.
    detector = MMDetPersonDetector(str(tools.root / CONFIG), checkpoint, score_thr=0.0)
    people = detector(np.zeros((120, 160, 3), np.uint8))
    assert people.bboxes.shape[1:] == (4,)
