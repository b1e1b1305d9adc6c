"""Frame sources: what a pose inferencer reads, one BGR image at a time.

An image (path or array), a folder of images, a video file or a webcam, behind one iterable
interface: :func:`open_source` picks the kind from the input, and every source yields
:class:`Frame` objects in order. Stills are independent pictures; video frames (file or webcam)
follow each other in time, which lets the inferencer reuse the previous frame's people
(``det_interval``) and smooth keypoints over time.
"""
import os
import os.path as osp
import queue
import re
import stat
import threading
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from engine import read_image

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
# 'webcam' or 'webcam:1' on the command line; a bare int in the Python API.
WEBCAM_PATTERN = re.compile(r'^webcam(?::(\d+))?$')


@dataclass
class Frame:
    """One picture to estimate poses on.

    Attributes:
        index: position in the source, from 0.
        image: (H, W, 3) uint8, BGR.
        name: the image's file name, or ``<video name>_<index:06d>`` for a video frame.
    """
    index: int
    image: np.ndarray
    name: str


class FrameSource:
    """Base of the sources: iterate it for :class:`Frame` objects.

    Attributes:
        name: the input as the user named it (path, 'webcam:0', '<array>').
        is_video: whether the frames follow each other in time (video file, webcam).
        fps: frames per second of a video (None for stills).
        num_frames: how many frames to expect (None when unknown: webcam, some codecs).
    """
    name: str = ''
    is_video: bool = False
    fps: Optional[float] = None
    num_frames: Optional[int] = None

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError


def check_image_array(image: object, name: str = 'image') -> np.ndarray:
    """``image`` if it is what the pipeline can crop: a non-empty (H, W, 3) uint8 array.

    Raises:
        ValueError: naming ``name`` and what the array is instead (OpenCV's ``warpAffine``
            would otherwise fail deep inside the pipeline on int64, float16, bool or empty
            arrays).
    """
    if not isinstance(image, np.ndarray):
        raise ValueError(f'{name}: expected an (H, W, 3) uint8 BGR array, got '
                         f'{type(image).__name__}')
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
        raise ValueError(f'{name}: expected a non-empty (H, W, 3) uint8 BGR array, got '
                         f'{image.dtype} of shape {image.shape}')
    return image


class ArraySource(FrameSource):
    """One image already in memory: (H, W, 3) uint8 BGR."""

    def __init__(self, image: np.ndarray, name: str = 'image') -> None:
        self.image, self.name, self.num_frames = check_image_array(image, name), name, 1

    def __iter__(self) -> Iterator[Frame]:
        yield Frame(0, self.image, self.name)


class ImageFiles(FrameSource):
    """Image files read in the given order.

    Args:
        paths: the files.
        name: the input as the user named it.
        skip_unreadable: pass over a file that cannot be read (not a regular file, empty,
            undecodable) and record it in :attr:`skipped` as ``(path, reason)``, instead of
            raising ``ValueError`` naming it: for folders, where one bad file should not stop
            the others.
    """

    def __init__(self, paths: Sequence[str], name: str, skip_unreadable: bool = False) -> None:
        self.paths, self.name, self.num_frames = list(paths), name, len(paths)
        self.skip_unreadable = skip_unreadable
        self.skipped: List[Tuple[str, str]] = []

    def __iter__(self) -> Iterator[Frame]:
        for index, path in enumerate(self.paths):
            image, reason = read_image(path)
            if image is None:
                if not self.skip_unreadable:
                    raise ValueError(f'cannot read image {path}: {reason}')
                self.skipped.append((path, reason))
                continue
            yield Frame(index, image, osp.basename(path))


class VideoFrames(FrameSource):
    """The frames of a video file or of a webcam (``device`` index), through OpenCV.

    The capture is opened when the source is created, so that a file OpenCV cannot decode or a
    camera that does not open fails at once, naming it; it is released when iteration ends.
    """

    def __init__(self, path: Optional[str] = None, device: Optional[int] = None) -> None:
        if (path is None) == (device is None):
            raise ValueError('give a video path or a webcam device index')
        self.is_video = True
        self.name = path if path is not None else f'webcam:{device}'
        self._stem = (osp.splitext(osp.basename(path))[0] if path is not None
                      else f'webcam{device}')
        self._capture = cv2.VideoCapture(path if path is not None else device)
        if not self._capture.isOpened():
            self._capture.release()
            what = f'video {path}' if path is not None else f'webcam {device}'
            raise ValueError(f'cannot open {what}' + (
                ': OpenCV cannot decode it' if path is not None else
                ': no camera with this index, or it is busy'))
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        # Webcams and some containers report 0 (or nonsense): 25 is OpenCV's usual default.
        self.fps = fps if 0 < fps < 1000 else 25.0
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.num_frames = count if path is not None and count > 0 else None

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        try:
            while True:
                ok, image = self._capture.read()
                if not ok:
                    break
                yield Frame(index, image, f'{self._stem}_{index:06d}')
                index += 1
        finally:
            self._capture.release()
        if index == 0:
            raise ValueError(f'no frame could be read from {self.name}')


def prefetched(frames: Iterator[Frame], depth: int = 2) -> Iterator[Frame]:
    """``frames``, decoded ahead on a thread while the caller works on the previous ones, as
    video tools do (OpenCV releases the GIL while it decodes). At most ``depth`` frames wait;
    an error of the source is raised where its frame would have come; the thread stops when
    the caller stops iterating."""
    done = object()
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def decode() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        waiting.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            waiting.put(done)
        except BaseException as error:  # handed to the caller
            waiting.put(error)

    thread = threading.Thread(target=decode, name='frame-decoder', daemon=True)
    thread.start()
    try:
        while True:
            item = waiting.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def image_files(folder: str) -> List[str]:
    """The image files of ``folder`` (by extension, not recursive), sorted by name."""
    return sorted(osp.join(folder, f) for f in os.listdir(folder)
                  if f.lower().endswith(IMAGE_EXTENSIONS))


def open_source(inputs: Union[str, int, np.ndarray, FrameSource],
                skip_unreadable: bool = False) -> FrameSource:
    """The frame source for ``inputs``.

    Args:
        inputs: an (H, W, 3) uint8 BGR array; a webcam index (int) or ``'webcam'`` /
            ``'webcam:INDEX'``; a folder (its images, sorted by file name); an image file (by
            its extension, see :data:`IMAGE_EXTENSIONS`); any other file is read as a video.
            A :class:`FrameSource` is returned as it is.
        skip_unreadable: for a folder: pass over the images that cannot be read (see
            :class:`ImageFiles`).

    Raises:
        FileNotFoundError: the path does not exist.
        ValueError: a folder without images, a file that is not a regular file, a video or
            webcam that cannot be opened, an array that is not an image.
    """
    if isinstance(inputs, FrameSource):
        return inputs
    if isinstance(inputs, np.ndarray):
        return ArraySource(inputs)
    if isinstance(inputs, int):
        return VideoFrames(device=inputs)
    webcam = WEBCAM_PATTERN.match(inputs)
    if webcam:
        return VideoFrames(device=int(webcam.group(1) or 0))
    if not osp.exists(inputs):
        raise FileNotFoundError(f'input not found: {inputs}')
    if osp.isdir(inputs):
        paths = image_files(inputs)
        if not paths:
            raise ValueError(f'no image ({", ".join(IMAGE_EXTENSIONS)}) in folder {inputs}')
        return ImageFiles(paths, inputs, skip_unreadable)
    if not stat.S_ISREG(os.stat(inputs).st_mode):
        raise ValueError(f'input {inputs} is not a regular file (a FIFO or device is not read)')
    if inputs.lower().endswith(IMAGE_EXTENSIONS):
        return ImageFiles([inputs], inputs)
    return VideoFrames(path=inputs)
