"""TopdownAffine: aspect-ratio fix, and image and keypoints warped by the same map."""
import numpy as np
import pytest

from pose.registry import TRANSFORMS


def make_results(rotation=None):
    img = np.zeros((300, 400, 3), np.uint8)
    keypoints = np.array([[[150., 120.], [230., 200.], [180., 90.]]], np.float32)
    for x, y in keypoints[0].astype(int):
        img[y - 1:y + 2, x - 1:x + 2] = 255  # 3x3 dots centred on integer pixels
    results = dict(img=img, keypoints=keypoints, bbox_center=np.array([[190., 150.]], np.float32),
                   bbox_scale=np.array([[150., 150.]], np.float32))
    if rotation is not None:
        results['bbox_rotation'] = np.array([rotation], np.float32)
    return results


@pytest.mark.parametrize('use_udp', [False, True])
@pytest.mark.parametrize('rotation', [None, 30.])
def test_image_and_keypoints_agree(use_udp, rotation):
    transform = TRANSFORMS.build(dict(type='TopdownAffine', input_size=(192, 256),
                                      use_udp=use_udp))
    results = transform(make_results(rotation))
    assert results['img'].shape == (256, 192, 3)
    assert results['input_size'] == (192, 256)
    np.testing.assert_allclose(results['bbox_scale'], [[150, 200]])  # grown to 3:4
    np.testing.assert_allclose(results['input_scale'], [150, 200])
    np.testing.assert_allclose(results['input_center'], [190, 150])
    np.testing.assert_allclose(results['keypoints'], make_results()['keypoints'])  # untouched
    img = results['img'][..., 0].astype(np.float32)
    for x, y in results['transformed_keypoints'][0]:
        ys, xs = np.mgrid[int(y) - 4:int(y) + 6, int(x) - 4:int(x) + 6]
        patch = img[ys, xs]
        # the warped dot's centre of mass is where the keypoint went
        np.testing.assert_allclose([(patch * xs).sum() / patch.sum(),
                                    (patch * ys).sum() / patch.sum()], [x, y], atol=0.15)


def test_one_instance_per_sample():
    results = make_results()
    results['bbox_center'] = np.zeros((2, 2), np.float32)
    results['bbox_scale'] = np.ones((2, 2), np.float32)
    with pytest.raises(ValueError, match='one instance'):
        TRANSFORMS.build(dict(type='TopdownAffine', input_size=(192, 256)))(results)
