"""Per-frame results in the COCO keypoint results format."""
import json

import numpy as np

from pose.apis import FrameResult, dump_coco_results


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
