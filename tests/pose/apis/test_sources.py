"""Frame sources: images, folders, videos and webcams behind one iterable."""
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from pose.apis import open_source
from pose.apis.sources import ArraySource, Frame, ImageFiles, VideoFrames, prefetched

SAMPLES = Path(__file__).resolve().parents[3] / 'data/samples/coco'


def write_video(path: Path, frames: int = 5, size=(64, 48), fps: float = 12.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), fps, size)
    for index in range(frames):
        writer.write(np.full((size[1], size[0], 3), 40 * index, np.uint8))
    writer.release()
    return path


def test_the_kind_of_source_follows_the_input(tmp_path):
    folder = open_source(str(SAMPLES))
    assert isinstance(folder, ImageFiles) and not folder.is_video and folder.num_frames == 4
    frames = list(folder)
    assert [f.name for f in frames] == sorted(p.name for p in SAMPLES.glob('*.jpg'))
    assert [f.index for f in frames] == [0, 1, 2, 3] and frames[0].image.ndim == 3

    assert open_source(str(SAMPLES / '000000000785.jpg')).num_frames == 1
    array = np.zeros((4, 5, 3), np.uint8)
    assert isinstance(open_source(array), ArraySource)
    assert next(iter(open_source(array))).image is array

    video = open_source(str(write_video(tmp_path / 'clip.avi')))
    assert isinstance(video, VideoFrames) and video.is_video and video.fps == 12.0
    frames = list(video)
    assert [f.name for f in frames] == [f'clip_{i:06d}' for i in range(5)]
    assert frames[0].image.shape == (48, 64, 3)


def test_bad_inputs_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(f'input not found: {tmp_path}/no')):
        open_source(str(tmp_path / 'no'))
    with pytest.raises(ValueError, match=re.escape(f'no image (.jpg')):
        open_source(str(tmp_path))
    corrupt = tmp_path / 'corrupt.mp4'
    corrupt.write_bytes(b'\x00\x00\x00\x18ftypmp42 not really a video')
    with pytest.raises(ValueError, match=re.escape(f'cannot open video {corrupt}')):
        open_source(str(corrupt))
    for webcam in ('webcam:99', 99):
        with pytest.raises(ValueError, match=r'webcam 99: no camera'):
            open_source(webcam)
    with pytest.raises(ValueError, match=r'\(H, W, 3\) uint8 BGR'):
        open_source(np.zeros((4, 5), np.uint8))
    unreadable = tmp_path / 'images'
    unreadable.mkdir()
    (unreadable / 'a.png').write_bytes(b'\x89PNG\r\n\x1a\n cut short')
    with pytest.raises(ValueError, match=re.escape(f'cannot read image {unreadable}/a.png')):
        list(open_source(str(unreadable)))


def test_prefetched_frames_come_in_order_and_errors_where_they_happen():
    def frames(error_at=None):
        for index in range(6):
            if index == error_at:
                raise ValueError(f'frame {index} is corrupt')
            yield Frame(index, np.zeros((2, 2, 3), np.uint8), str(index))

    assert [f.index for f in prefetched(frames())] == list(range(6))
    seen = []
    with pytest.raises(ValueError, match='frame 3 is corrupt'):
        for frame in prefetched(frames(error_at=3)):
            seen.append(frame.index)
    assert seen == [0, 1, 2]
    stream = prefetched(frames())
    assert next(stream).index == 0
    stream.close()  # the caller stops: the decoding thread ends too
