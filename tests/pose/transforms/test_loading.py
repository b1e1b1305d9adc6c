"""LoadImage: BGR decoding and errors that name the file."""
import cv2
import numpy as np
import pytest

from pose.registry import TRANSFORMS


def test_loads_bgr_and_shapes(tmp_path):
    img = np.zeros((20, 30, 3), np.uint8)
    img[..., 0] = 255  # blue in BGR
    cv2.imwrite(str(tmp_path / 'blue.png'), img)
    results = TRANSFORMS.build(dict(type='LoadImage'))(dict(img_path=str(tmp_path / 'blue.png')))
    np.testing.assert_array_equal(results['img'], img)
    assert results['img_shape'] == (20, 30) and results['ori_shape'] == (20, 30)


def test_real_jpeg_and_float32(coco_dir):
    results = TRANSFORMS.build(dict(type='LoadImage', to_float32=True))(
        dict(img_path=str(coco_dir / '000000000785.jpg')))
    assert results['img'].shape == (425, 640, 3) and results['img'].dtype == np.float32


def test_missing_file_is_named(tmp_path):
    path = tmp_path / 'missing.jpg'
    with pytest.raises(FileNotFoundError, match=str(path)):
        TRANSFORMS.build(dict(type='LoadImage'))(dict(img_path=str(path)))


@pytest.mark.parametrize('content', [b'', b'not a jpeg at all' * 10])
def test_corrupt_file_is_named(tmp_path, content):
    path = tmp_path / 'corrupt.jpg'
    path.write_bytes(content)
    with pytest.raises(ValueError, match=str(path)):
        TRANSFORMS.build(dict(type='LoadImage'))(dict(img_path=str(path)))


def test_consecutive_samples_of_one_image_decode_it_once(coco_dir, monkeypatch):
    load = TRANSFORMS.build(dict(type='LoadImage'))
    decoded = []
    real_imdecode = cv2.imdecode
    monkeypatch.setattr(cv2, 'imdecode', lambda *a: decoded.append(1) or real_imdecode(*a))
    paths = [coco_dir / name for name in
             ('000000000785.jpg', '000000000785.jpg', '000000040083.jpg', '000000000785.jpg')]
    images = [load(dict(img_path=str(path)))['img'] for path in paths]
    assert len(decoded) == 3  # the second sample of the first image reused its decode
    assert images[0] is images[1]
    np.testing.assert_array_equal(images[3], images[0])
    with pytest.raises(ValueError, match='read-only'):
        images[0][0, 0] = 0  # a later sample would see it: refused


def test_reuse_off_decodes_every_sample_into_its_own_array(coco_dir):
    load = TRANSFORMS.build(dict(type='LoadImage', reuse_last=False))
    path = str(coco_dir / '000000000785.jpg')
    first, second = (load(dict(img_path=path))['img'] for _ in range(2))
    assert first is not second and first.flags.writeable
