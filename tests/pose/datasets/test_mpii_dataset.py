"""MpiiDataset on the bundled MPII sample, including PCKh head sizes from the .mat."""
import json
import logging

import numpy as np
import pytest
from mmengine.logging import MMLogger

from pose.datasets import MpiiDataset, load_mat_arrays


def make_dataset(mpii_dir, **kwargs):
    return MpiiDataset(ann_file=str(mpii_dir / 'test_mpii.json'),
                       data_prefix=dict(img=str(mpii_dir)), **kwargs)


def test_head_sizes_match_the_mat_file(mpii_dir):
    dataset = make_dataset(mpii_dir, headbox_file=str(mpii_dir / 'mpii_gt_val.mat'))
    headboxes = load_mat_arrays(str(mpii_dir / 'mpii_gt_val.mat'))['headboxes_src']
    assert len(dataset) == 5
    for i in range(5):
        corners = headboxes[:, :, i]  # (corner, xy)
        expected = 0.6 * np.hypot(*(corners[1] - corners[0]))
        head_size = dataset.get_data_info(i)['head_size']
        assert head_size.shape == (1,)
        assert head_size[0] == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(
        [dataset.get_data_info(i)['head_size'][0] for i in range(5)],
        [117.962, 44.046, 78.481, 81.222, 84.370], atol=1e-3)


def test_mat_persons_are_the_json_persons(mpii_dir):
    """The reader's pos_gt_src agrees with the json, and each head box holds its head."""
    arrays = load_mat_arrays(str(mpii_dir / 'mpii_gt_val.mat'))
    entries = json.loads((mpii_dir / 'test_mpii.json').read_text())
    assert arrays['headboxes_src'].shape == (2, 2, 2958)
    for i, entry in enumerate(entries):
        labelled = np.array(entry['joints_vis']) > 0  # missing joints: -1 in json, 0 in .mat
        np.testing.assert_allclose(arrays['pos_gt_src'][labelled, :, i],
                                   np.array(entry['joints'])[labelled], atol=1e-3)
        (x1, y1), (x2, y2) = arrays['headboxes_src'][:, :, i]
        head_top = entry['joints'][9]
        assert x1 <= head_top[0] <= x2 and y1 <= head_top[1] <= y2


def test_center_scale_and_keypoints_conversion(mpii_dir):
    entry = json.loads((mpii_dir / 'test_mpii.json').read_text())[0]
    info = make_dataset(mpii_dir).get_data_info(0)
    # the person box, without context: the pipeline pads it 1.25 like any other box
    size = entry['scale'] * 200
    cx, cy = entry['center'][0] - 1, entry['center'][1] + 15 * entry['scale'] - 1
    np.testing.assert_allclose(info['bbox'],
                               [[cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2]],
                               rtol=1e-5)
    np.testing.assert_allclose(info['keypoints'][0], np.array(entry['joints']) - 1, atol=1e-4)
    assert info['keypoints'].shape == (1, 16, 2) and info['keypoints_visible'].shape == (1, 16)
    assert info['img_id'] == 5808361 and info['img_path'].endswith('005808361.jpg')
    assert 'head_size' not in info
    assert info['flip_indices'] == [5, 4, 3, 2, 1, 0, 6, 7, 8, 9, 15, 14, 13, 12, 11, 10]


def test_wrong_joint_count_names_file_and_entry(mpii_dir, tmp_path):
    entries = json.loads((mpii_dir / 'test_mpii.json').read_text())
    entries[3]['joints'] = entries[3]['joints'][:15]
    ann_file = tmp_path / 'bad_mpii.json'
    ann_file.write_text(json.dumps(entries))
    with pytest.raises(ValueError) as info:
        MpiiDataset(ann_file=str(ann_file), data_prefix=dict(img=str(mpii_dir)))
    message = str(info.value)
    assert str(ann_file) in message and '#3' in message and 'expected 16' in message


def test_missing_headbox_file_is_named(mpii_dir, tmp_path):
    missing = tmp_path / 'gt.mat'
    with pytest.raises(FileNotFoundError, match=str(missing)):
        make_dataset(mpii_dir, headbox_file=str(missing))


def test_pipelines_written_for_padded_boxes_are_flagged(mpii_dir):

    class Records(logging.Handler):

        def __init__(self) -> None:
            super().__init__()
            self.messages = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    logger, records = MMLogger.get_current_instance(), Records()
    logger.addHandler(records)
    try:
        # the former boxes had HRNet's padding built in, and pipelines used padding=1.0
        make_dataset(mpii_dir, pipeline=[dict(type='GetBBoxCenterScale', padding=1.0)])
        assert any('padding=1.0' in m and 'must drop it' in m for m in records.messages)
        records.messages.clear()
        make_dataset(mpii_dir, pipeline=[dict(type='GetBBoxCenterScale')])
        assert not any('must drop it' in m for m in records.messages)
    finally:
        logger.removeHandler(records)
