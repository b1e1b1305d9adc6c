"""Dataset descriptions in both styles, and their validation."""
import numpy as np
import pytest

from pose.datasets import metainfo_path, parse_pose_metainfo

FLAT = dict(dataset_name='toy', keypoint_names=['head', 'l_hand', 'r_hand', 'l_foot', 'r_foot'],
            flip_pairs=[('l_hand', 'r_hand'), (3, 4)], upper_body_ids=[0, 1, 2],
            lower_body_ids=['l_foot', 'r_foot'], skeleton_links=[('head', 'l_hand')],
            sigmas=[0.1] * 5)


def test_flat_description():
    parsed = parse_pose_metainfo(FLAT)
    assert parsed['num_keypoints'] == 5
    assert parsed['flip_indices'] == [0, 2, 1, 4, 3]
    assert parsed['flip_pairs'] == [(1, 2), (3, 4)]
    assert parsed['lower_body_ids'] == [3, 4] and parsed['skeleton_links'] == [(0, 1)]
    assert parsed['keypoint_colors'].shape == (5, 3)
    np.testing.assert_array_equal(parsed['dataset_keypoint_weights'], np.ones(5))
    assert parsed['sigmas'].dtype == np.float32


def test_coco_file_and_idempotence():
    parsed = parse_pose_metainfo(dict(from_file='pose/datasets/metainfo/coco.py'))
    assert parsed['dataset_name'] == 'coco' and parsed['num_keypoints'] == 17
    assert parsed['flip_indices'] == [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]
    assert parsed['upper_body_ids'] == list(range(11))
    assert parsed['skeleton_links'][0] == (15, 13) and parsed['num_skeleton_links'] == 19
    assert parsed['dataset_keypoint_weights'][9] == pytest.approx(1.5)
    assert parsed['sigmas'][0] == pytest.approx(0.026)
    again = parse_pose_metainfo(parsed)
    assert again['flip_indices'] == parsed['flip_indices']
    np.testing.assert_array_equal(again['sigmas'], parsed['sigmas'])
    np.testing.assert_array_equal(again['keypoint_colors'], parsed['keypoint_colors'])
    assert parse_pose_metainfo(dict(from_file=metainfo_path('mpii')))['num_keypoints'] == 16


def test_invalid_descriptions():
    with pytest.raises(ValueError, match='pairing'):
        parse_pose_metainfo({**FLAT, 'flip_pairs': None, 'flip_indices': [1, 2, 0, 3, 4]})
    with pytest.raises(ValueError, match='sigmas'):
        parse_pose_metainfo({**FLAT, 'sigmas': [0.1] * 4})
    with pytest.raises(KeyError, match='l_knee'):
        parse_pose_metainfo({**FLAT, 'skeleton_links': [('head', 'l_knee')]})
    with pytest.raises(FileNotFoundError, match='missing.py'):
        parse_pose_metainfo(dict(from_file='missing.py'))
