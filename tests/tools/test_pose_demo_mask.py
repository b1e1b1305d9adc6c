"""pose_demo.py with a multi-task model: --draw-mask draws the silhouettes (and is refused for a
pose-only model), and the json carries each person's mask as an RLE that COCO's segm evaluation
scores."""
import contextlib
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

import pose.apis.inferencer
from pose.apis import PoseInferencer, init_model

ROOT = Path(__file__).resolve().parents[2]
POSE_CONFIG = ROOT / 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
MASK_CONFIG = ROOT / 'configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py'
SAMPLES = ROOT / 'data/samples/coco'
IMAGE = SAMPLES / '000000000785.jpg'
DETS, ANNS = SAMPLES / 'test_coco_det_AP_H_56.json', SAMPLES / 'test_coco.json'
spec = importlib.util.spec_from_file_location('pose_demo', ROOT / 'tools/demo/pose_demo.py')
pose_demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pose_demo)

pytestmark = pytest.mark.usefixtures('one_thread')


def save_weights(config: Path, path: Path) -> Path:
    torch.save(dict(state_dict=init_model(str(config)).state_dict()), path)
    return path


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory) -> dict:
    """Freshly initialised weights of the pose-only and the multi-task demo models."""
    folder = tmp_path_factory.mktemp('ckpt')
    return dict(pose=save_weights(POSE_CONFIG, folder / 'pose.pth'),
                mask=save_weights(MASK_CONFIG, folder / 'mask.pth'))


@pytest.fixture
def known_mask(monkeypatch):
    """The demo's model predicts, for every person, a silhouette filling the middle of the crop
    (an ellipse about the centre column, kept by the flip test) and no keypoint (zero heatmaps:
    no skeleton is drawn, so every changed pixel is the mask's)."""
    def init_with_known_mask(*args, **kwargs):
        model = init_model(*args, **kwargs)
        ys, xs = torch.meshgrid(torch.arange(64.), torch.arange(48.), indexing='ij')
        inside = ((xs - 23.5) / 14)**2 + ((ys - 32) / 28)**2 <= 1
        model.head.forward = lambda feats: torch.zeros(len(feats[-1]), 17, 64, 48)
        model.mask_head.forward = lambda feats: torch.where(inside, 10., -10.).expand(
            len(feats[-1]), 1, -1, -1)
        return model

    monkeypatch.setattr(pose.apis.inferencer, 'init_model', init_with_known_mask)


def run(monkeypatch, *args) -> None:
    monkeypatch.setattr(sys, 'argv', ['pose_demo.py', *map(str, args), '--backend', 'pytorch'])
    with contextlib.redirect_stdout(io.StringIO()):
        pose_demo.main()


def test_draw_mask_without_a_mask_head_is_refused_before_any_output(tmp_path, monkeypatch,
                                                                     checkpoints):
    out_dir = tmp_path / 'out'
    with pytest.raises(ValueError, match=re.escape(
            f'needs a pose model with a mask head, but {POSE_CONFIG} has none')):
        run(monkeypatch, POSE_CONFIG, checkpoints['pose'], '--input', IMAGE, '--out-dir',
            out_dir, '--draw-mask', '--save-json')
    assert not out_dir.exists()


def test_the_json_masks_are_the_inferencers_and_coco_scores_them(tmp_path, monkeypatch,
                                                                   checkpoints, known_mask):
    out_dir = tmp_path / 'out'
    # Without --draw-mask: the json carries the masks of a mask model regardless.
    run(monkeypatch, MASK_CONFIG, checkpoints['mask'], '--input', IMAGE, '--out-dir', out_dir,
        '--save-json', '--det-file', DETS, '--det-ann-file', ANNS)

    records = json.loads((out_dir / '000000000785.keypoints.json').read_text())
    boxes = pose_demo.load_detections(str(DETS), str(ANNS), 0.3)
    [result] = PoseInferencer(str(MASK_CONFIG), str(checkpoints['mask']))(str(IMAGE), boxes)
    assert len(records) == len(result) == 2 and result.masks.any(axis=(1, 2)).all()
    for record, mask in zip(records, result.masks):
        rle = record['segmentation']
        assert record['image_id'] == 785 and rle['size'] == [425, 640]
        decoded = mask_utils.decode(dict(rle, counts=rle['counts'].encode()))
        assert np.array_equal(decoded.astype(bool), mask)

    # COCO's own segm evaluation reads the file as it is and matches it to the ground truth.
    with contextlib.redirect_stdout(io.StringIO()):
        truth = COCO(str(ANNS))
        evaluation = COCOeval(truth, truth.loadRes(records), 'segm')
        evaluation.params.imgIds = [785]
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    ious = evaluation.ious[(785, 1)]
    assert ious.shape == (2, 1) and (ious > 0.1).all()  # both overlap the skier
    assert 0 <= evaluation.stats[0] <= 1


def test_draw_mask_tints_the_people_and_nothing_else(tmp_path, monkeypatch, checkpoints,
                                                     known_mask):
    image = cv2.imread(str(IMAGE))
    cv2.imwrite(str(tmp_path / 'a.png'), image)  # lossless: untouched pixels compare equal
    ann_file, det_file = tmp_path / 'ann.json', tmp_path / 'dets.json'
    ann_file.write_text(json.dumps(dict(images=[dict(id=7, file_name='a.png')])))
    det_file.write_text(json.dumps([dict(image_id=7, category_id=1, bbox=[250, 50, 150, 320],
                                         score=0.9)]))
    out_dir = tmp_path / 'out'
    run(monkeypatch, MASK_CONFIG, checkpoints['mask'], '--input', tmp_path / 'a.png',
        '--out-dir', out_dir, '--draw-mask', '--det-file', det_file, '--det-ann-file', ann_file)

    picture = cv2.imread(str(out_dir / 'a.png'))
    assert picture.shape == image.shape
    changed = np.any(picture != image, axis=-1)
    ys, xs = np.mgrid[:425, :640]
    # The crop around the box is 300 x 400 (padded by 1.25, 3:4), so the ellipse's half-axes
    # are 14/48 * 300 = 87.5 and 28/64 * 400 = 175 pixels about the box's centre (325, 210).
    inside = ((xs - 325) / 80)**2 + ((ys - 210) / 165)**2 <= 1
    outside = ((xs - 325) / 96)**2 + ((ys - 210) / 185)**2 > 1
    assert changed[inside].mean() > 0.9 and not changed[outside].any()
