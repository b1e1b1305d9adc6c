"""Reading an image file a user names, without waiting on a FIFO or trusting the decoder to
say which file failed."""
import os
import stat
from typing import Optional, Tuple

import cv2
import numpy as np


def read_image(path: str) -> Tuple[Optional[np.ndarray], str]:
    """``(image, '')`` with the (H, W, 3) uint8 BGR image, or ``(None, why)`` when ``path``
    cannot be read as one.

    A FIFO, device or folder is not opened (reading a FIFO would wait forever).
    """
    try:
        status = os.stat(path)
    except OSError as error:
        return None, error.strerror or 'cannot be opened'
    if not stat.S_ISREG(status.st_mode):
        return None, 'not a regular file'
    if status.st_size == 0:
        return None, 'an empty file'
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        return None, 'not an image OpenCV can decode (corrupt, truncated or another format)'
    return image, ''


def image_from_file(path: str) -> np.ndarray:
    """The (H, W, 3) uint8 BGR image of ``path``.

    Raises:
        FileNotFoundError: no such file.
        ValueError: naming the file and why it cannot be read.
    """
    if not os.path.lexists(path):
        raise FileNotFoundError(f'image not found: {path}')
    image, reason = read_image(path)
    if image is None:
        raise ValueError(f'cannot read image {path}: {reason}')
    return image
