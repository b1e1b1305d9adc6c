"""Per-frame results in the COCO keypoint (and, with masks, segm) results format."""
import json

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from pose.apis import CocoResultsWriter, FrameResult, dump_coco_results


def test_one_coco_record_per_person(tmp_path):
    result = FrameResult(
        index=3, name='clip_000003',
        bboxes=np.array([[10, 20, 50, 100], [0, 0, 5, 5]], np.float32),
        bbox_scores=np.array([0.8, 0.5], np.float32),
        keypoints=np.arange(12, dtype=np.float32).reshape(2, 3, 2),
        keypoint_scores=np.array([[0.9, 0.7, 0.1], [0.1, 0.1, 0.1]], np.float32),
        track_ids=np.array([4, 9]))
    first, second = result.coco_records()
    assert first['image_id'] == 3 and first['category_id'] == 1 and first['track_id'] == 4
    assert first['keypoints'] == [0, 1, 0.9, 2, 3, 0.7, 4, 5, 0.1]
    assert first['bbox'] == [10, 20, 40, 80]  # x, y, w, h
    # The COCO metric's rescoring: box score x mean keypoint score above 0.2.
    assert abs(first['score'] - 0.8 * 0.8) < 1e-6 and second['score'] == 0
    assert result.coco_records(image_id=785)[0]['image_id'] == 785

    path = tmp_path / 'results.json'
    assert dump_coco_results(result.coco_records(), str(path)) == 2
    assert json.loads(path.read_text())[1]['track_id'] == 9
    still = FrameResult(0, 'a.jpg', result.bboxes, result.bbox_scores, result.keypoints,
                        result.keypoint_scores)
    assert 'track_id' not in still.coco_records()[0]


def test_masks_become_rle_segmentations_that_decode_to_them():
    masks = np.zeros((2, 30, 40), bool)
    masks[0, 5:20, 10:25] = True
    masks[1, 0:30, 30:40] = True
    result = FrameResult(0, 'a.jpg', np.array([[10, 5, 25, 20], [30, 0, 40, 30]], np.float32),
                         np.ones(2, np.float32), np.zeros((2, 3, 2), np.float32),
                         np.ones((2, 3), np.float32), masks=masks)
    records = json.loads(json.dumps(result.coco_records()))  # json-ready as they are
    for record, mask in zip(records, masks):
        assert record['segmentation']['size'] == [30, 40]
        rle = dict(record['segmentation'], counts=record['segmentation']['counts'].encode())
        assert np.array_equal(mask_utils.decode(rle).astype(bool), mask)


def test_results_are_written_as_they_come_and_a_failed_run_leaves_no_file(tmp_path):
    path = tmp_path / 'results.json'
    with CocoResultsWriter(str(path)) as writer:
        writer.write([dict(image_id=1)])
        writer.write([])
        writer.write([dict(image_id=2), dict(image_id=3)])
    assert writer.count == 3
    assert [r['image_id'] for r in json.loads(path.read_text())] == [1, 2, 3]

    with pytest.raises(RuntimeError, match='stopped'):
        with CocoResultsWriter(str(path)) as writer:
            writer.write([dict(image_id=1)])
            raise RuntimeError('stopped')
    assert not path.exists()
