"""Writing what a tool produces: never over one of its inputs, and never reporting a file as
written when it was not (``cv2.imwrite`` returns False, and a ``VideoWriter`` that could not
open swallows every frame, without raising)."""
import os
import os.path as osp
from typing import Iterable, Optional, Tuple

import cv2
import numpy as np


def same_file(a: str, b: str) -> bool:
    """Whether paths ``a`` and ``b`` name one file (also through links, ``..`` or another
    spelling of the folder)."""
    try:
        return osp.samefile(a, b)
    except OSError:  # one does not exist (yet): compare where they would be
        return osp.realpath(a) == osp.realpath(b)


def refuse_overwriting_inputs(output: str, inputs: Iterable[Optional[str]]) -> None:
    """Raise if ``output`` is one of ``inputs`` (None entries are skipped).

    Raises:
        ValueError: naming the output and the input it would replace.
    """
    for path in inputs:
        if path and same_file(output, path):
            raise ValueError(f'refusing to write {output}: it is the input {path}; choose '
                             'another output path')


def check_image_output(path: str) -> None:
    """Raise before any work if OpenCV cannot write an image to ``path``'s extension.

    Raises:
        ValueError: naming the path and the extensions that work.
    """
    if not cv2.haveImageWriter(path):
        raise ValueError(f'cannot write image {path}: OpenCV writes no image format for the '
                         f'extension {osp.splitext(path)[1] or "(none)"!r}; use .png or .jpg')


def write_image(path: str, image: np.ndarray) -> None:
    """``cv2.imwrite`` that raises when nothing was written.

    Raises:
        OSError: naming the path (a missing or read-only folder, a full disk, a bad
            extension).
    """
    try:
        written = cv2.imwrite(path, image)
    except cv2.error as error:
        raise OSError(f'cannot write image {path}: {error}') from None
    if not written:
        folder = osp.dirname(path) or '.'
        why = 'its folder does not exist' if not osp.isdir(folder) else \
            'the folder is not writable' if not os.access(folder, os.W_OK) else \
            'OpenCV could not encode or save it'
        raise OSError(f'cannot write image {path}: {why}')


class VideoOutput:
    """A video file written frame by frame with OpenCV, checked when opened and when closed.

    Args:
        path: the file to write (``.mp4`` with the ``mp4v`` codec by default).
        fps: frames per second.
        size: (width, height) of every frame.
    """

    def __init__(self, path: str, fps: float, size: Tuple[int, int],
                 fourcc: str = 'mp4v') -> None:
        self.path = path
        self.writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), fps, size)
        if not self.writer.isOpened():
            self.writer.release()
            raise OSError(f'cannot write video {path}: OpenCV could not open it for writing '
                          f'(missing or read-only folder, or no {fourcc!r} encoder)')

    def write(self, frame: np.ndarray) -> None:
        self.writer.write(frame)

    def close(self) -> None:
        """Finish the file.

        Raises:
            OSError: the file is missing or empty afterwards.
        """
        self.writer.release()
        if not osp.isfile(self.path) or osp.getsize(self.path) == 0:
            raise OSError(f'writing video {self.path} failed: the file is missing or empty')
