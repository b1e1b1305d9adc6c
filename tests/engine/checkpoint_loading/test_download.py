"""Checkpoints given as URLs are downloaded once into torch hub's cache."""
import re
import shutil

import pytest
import torch

from engine.checkpoint_loading import local_checkpoint

URL = 'https://download.example.org/models/rtmdet_nano-05d8511e.pth'


def test_urls_are_downloaded_once(tmp_path, monkeypatch):
    source = tmp_path / 'served.pth'
    torch.save({'state_dict': {}}, source)
    downloads = []

    def download(url, dst, progress=True):
        downloads.append(url)
        shutil.copy(source, dst)

    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    monkeypatch.setattr(torch.hub, 'download_url_to_file', download)
    path = local_checkpoint(URL)
    assert path == str(tmp_path / 'hub/checkpoints/rtmdet_nano-05d8511e.pth')
    assert local_checkpoint(URL) == path and downloads == [URL]
    assert local_checkpoint(str(source)) == str(source)  # a file stays a file


def test_a_failed_download_is_named(tmp_path, monkeypatch):
    def offline(url, dst, progress=True):
        raise OSError('network is unreachable')

    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    monkeypatch.setattr(torch.hub, 'download_url_to_file', offline)
    with pytest.raises(RuntimeError, match=re.escape(f'cannot download checkpoint {URL}')):
        local_checkpoint(URL)
