"""init_model loads checkpoints weights-only: one that needs arbitrary unpickling is refused,
and nothing in it runs, unless trust_checkpoint=True."""
import textwrap

import pytest
import torch

from pose.apis import init_model

CONFIG = 'configs/pose/demo/litehrnet_18_coco-sample_256x192.py'
PAYLOAD_MODULE = '''
import pathlib


def _touch(path):
    pathlib.Path(path).write_text('this ran while the checkpoint was unpickled')
    return 'payload'


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return _touch, (self.marker,)
'''


@pytest.fixture
def payload_checkpoint(tmp_path, monkeypatch):
    """A checkpoint of the config's model with a Payload object in its meta; the marker file
    appears when it is unpickled."""
    (tmp_path / 'init_model_payload.py').write_text(textwrap.dedent(PAYLOAD_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    import init_model_payload
    marker = tmp_path / 'unpickled.txt'
    path = tmp_path / 'payload.pth'
    state = init_model(CONFIG).state_dict()
    torch.save({'state_dict': state, 'meta': {'note': init_model_payload.Payload(str(marker))}},
               path)
    return path, marker, state


def test_refused_without_trust(payload_checkpoint):
    path, marker, _ = payload_checkpoint
    with pytest.raises(RuntimeError, match=f'refused to load checkpoint {path}') as error:
        init_model(CONFIG, str(path))
    assert 'init_model_payload._touch' in str(error.value)
    assert 'trust_checkpoint=True' in str(error.value)
    assert not marker.exists()


def test_loaded_with_trust(payload_checkpoint):
    path, marker, state = payload_checkpoint
    model = init_model(CONFIG, str(path), trust_checkpoint=True)
    assert marker.exists()
    assert torch.equal(model.state_dict()['head.final_layer.weight'],
                       state['head.final_layer.weight'])
