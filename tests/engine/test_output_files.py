"""Writes that fail say so, naming the file; an output never replaces an input."""
import numpy as np
import pytest

from engine import (VideoOutput, check_image_output, refuse_overwriting_inputs, read_image,
                    write_image)
from engine.output_files import same_file


def test_the_same_file_by_any_name(tmp_path):
    photo = tmp_path / 'photo.jpg'
    photo.write_bytes(b'x')
    (tmp_path / 'link.jpg').symlink_to(photo)
    assert same_file(str(photo), str(tmp_path / 'sub' / '..' / 'photo.jpg'))
    assert same_file(str(tmp_path / 'link.jpg'), str(photo))
    assert not same_file(str(tmp_path / 'other.jpg'), str(photo))
    with pytest.raises(ValueError, match='it is the input'):
        refuse_overwriting_inputs(str(tmp_path / 'link.jpg'), [None, str(photo)])
    refuse_overwriting_inputs(str(tmp_path / 'other.jpg'), [None, str(photo)])


def test_writes_that_fail_raise(tmp_path):
    image = np.zeros((4, 4, 3), np.uint8)
    write_image(str(tmp_path / 'ok.png'), image)
    assert read_image(str(tmp_path / 'ok.png'))[0].shape == (4, 4, 3)
    with pytest.raises(OSError, match=r'missing/a\.png: .*does not exist'):
        write_image(str(tmp_path / 'missing' / 'a.png'), image)
    (tmp_path / 'dir.png').mkdir()
    with pytest.raises(OSError, match='cannot write image'):
        write_image(str(tmp_path / 'dir.png'), image)
    with pytest.raises(ValueError, match="extension '.txt'"):
        check_image_output(str(tmp_path / 'a.txt'))
    with pytest.raises(OSError, match='cannot write video'):
        VideoOutput(str(tmp_path / 'missing' / 'v.mp4'), 25.0, (4, 4))


def test_a_video_is_checked_when_closed(tmp_path):
    video = VideoOutput(str(tmp_path / 'v.mp4'), 25.0, (16, 16))
    for _ in range(3):
        video.write(np.zeros((16, 16, 3), np.uint8))
    video.close()
    assert (tmp_path / 'v.mp4').stat().st_size > 0
