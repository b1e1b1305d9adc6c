"""Checkpoints given as URLs: downloaded once, then read like local files."""
import os
import os.path as osp
from urllib.parse import urlparse

import torch

URL_SCHEMES = ('http://', 'https://')


def local_checkpoint(checkpoint: str) -> str:
    """A local path for ``checkpoint``: the path itself, or, for an http(s) URL (the released
    models' form), the file downloaded once into torch hub's checkpoint cache
    (``$TORCH_HOME/hub/checkpoints``, where mmengine and torchvision keep theirs too).

    The download is only a file: it is then loaded like any local checkpoint, weights-only
    (:func:`engine.load_checkpoint_file`), whereas mmengine's own URL loading unpickles fully.

    Raises:
        RuntimeError: the URL cannot be downloaded; the message names it.
    """
    if not checkpoint.startswith(URL_SCHEMES):
        return checkpoint
    folder = osp.join(torch.hub.get_dir(), 'checkpoints')
    path = osp.join(folder, osp.basename(urlparse(checkpoint).path))
    if not osp.isfile(path):
        os.makedirs(folder, exist_ok=True)
        try:
            # Written to a temporary file and moved: an interrupted download leaves no file.
            torch.hub.download_url_to_file(checkpoint, path, progress=True)
        except Exception as error:  # URLError, HTTPError, timeouts: all mean "not fetched"
            raise RuntimeError(f'cannot download checkpoint {checkpoint}: {error}') from error
    return path
