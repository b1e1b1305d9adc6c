"""Ground truth -> crop -> heatmaps -> decode -> image: the keypoints come back.

This runs the real test-time geometry on the bundled COCO images: the dataset's boxes and
keypoints, LoadImage, GetBBoxCenterScale, TopdownAffine (256x192), GenerateTarget and
PackPoseInputs, then the codec's decode and ``keypoints_to_image`` (what the model does at
test time) on the packed data sample.
"""
import numpy as np
import pytest

from pose.datasets import CocoDataset
from pose.registry import KEYPOINT_CODECS
from pose.structures import keypoints_to_image

INPUT_SIZE, HEATMAP_SIZE = (192, 256), (48, 64)
CODECS = {
    'msra': dict(type='MSRAHeatmap', input_size=INPUT_SIZE, heatmap_size=HEATMAP_SIZE, sigma=2),
    'dark': dict(type='MSRAHeatmap', input_size=INPUT_SIZE, heatmap_size=HEATMAP_SIZE, sigma=2,
                 unbiased=True),
    'udp': dict(type='UDPHeatmap', input_size=INPUT_SIZE, heatmap_size=HEATMAP_SIZE, sigma=2),
}


def round_trip(coco_dir, codec_name):
    """Per-sample (errors (n, 2) in image px, image px per heatmap px (2,))."""
    codec_cfg = CODECS[codec_name]
    use_udp = codec_name == 'udp'
    pipeline = [
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale'),
        dict(type='TopdownAffine', input_size=INPUT_SIZE, use_udp=use_udp),
        dict(type='GenerateTarget', encoder=codec_cfg),
        dict(type='PackPoseInputs'),
    ]
    dataset = CocoDataset(ann_file=str(coco_dir / 'test_coco.json'),
                          data_prefix=dict(img=str(coco_dir)), pipeline=pipeline,
                          filter_cfg=dict(filter_empty_gt=True, min_keypoints=1))
    codec = KEYPOINT_CODECS.build(codec_cfg)
    results = []
    for index in range(len(dataset)):
        sample = dataset[index]['data_samples']
        decoded, _ = codec.decode(sample.gt_fields.heatmaps.numpy())
        restored = keypoints_to_image(decoded, sample.input_center, sample.input_scale,
                                      sample.input_size, use_udp=use_udp)
        weights = sample.gt_instance_labels.keypoint_weights.numpy()
        # keypoints whose Gaussian peak is inside the heatmap (others cannot come back)
        crop = np.array(INPUT_SIZE) / np.array(HEATMAP_SIZE) if not use_udp else \
            (np.array(INPUT_SIZE) - 1) / (np.array(HEATMAP_SIZE) - 1)
        inside = np.all((decoded >= 0) & (decoded <= np.array(INPUT_SIZE) - crop), axis=-1)
        mask = (weights > 0) & inside & (sample.gt_instances.keypoints_visible > 0)
        errors = np.abs(restored - sample.gt_instances.keypoints)[mask]
        image_px_per_heatmap_px = sample.input_scale / np.array(INPUT_SIZE) * crop
        results.append((errors, image_px_per_heatmap_px))
    return results


def test_msra_round_trip_within_half_a_heatmap_pixel(coco_dir):
    results = round_trip(coco_dir, 'msra')
    assert len(results) == 12
    all_errors = np.concatenate([errors for errors, _ in results])
    assert len(all_errors) > 150  # most of the labelled keypoints take part
    for errors, unit in results:
        # rounding to the heatmap grid is the only loss: <= 0.5 heatmap px per axis
        assert np.all(errors <= 0.5 * unit + 1e-3)
    euclidean = np.linalg.norm(all_errors, axis=-1)
    assert euclidean.mean() < 2.0


@pytest.mark.parametrize('codec_name', ['dark', 'udp'])
def test_subpixel_codecs_round_trip_exactly(coco_dir, codec_name):
    all_errors = np.concatenate([errors for errors, _ in round_trip(coco_dir, codec_name)])
    assert len(all_errors) > 150
    assert np.linalg.norm(all_errors, axis=-1).mean() < 0.1
    assert all_errors.max() < 1.0
