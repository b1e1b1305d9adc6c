"""Build a segmentor for inference: mmseg's ``init_model`` with weights-only checkpoint loading
and, optionally, the Lite-HRNet inference fast path."""
from typing import Optional, Union

from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.runner import load_state_dict
from mmseg.apis import init_model as mmseg_init_model
from mmseg.models import BaseSegmentor
from mmseg.registry import DATASETS

from litehrnet.deploy import fuse_model
from litehrnet.engine import load_checkpoint_file


def config_dataset_meta(model: BaseSegmentor) -> dict:
    """Classes and palette of the config's test dataset class (unwrapping ``CheckedDataset``)."""
    dataset = model.cfg.test_dataloader.dataset
    while 'dataset' in dataset:
        dataset = dataset.dataset
    return DATASETS.get(dataset.type).METAINFO


def init_model(config: Union[str, Config],
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None,
               trust_checkpoint: bool = False,
               fuse: bool = False) -> BaseSegmentor:
    """A segmentor in eval mode on ``device``, for ``mmseg.apis.inference_model``.

    Weights load weights-only and strictly (torch >= 2.6 refuses mmengine's checkpoint
    metadata otherwise) unless ``trust_checkpoint`` is set. ``dataset_meta`` (classes, palette)
    comes from the checkpoint, else from the config's test dataset. SyncBN becomes BN (one
    process). ``fuse=True`` converts the model to the inference fast path
    (:func:`litehrnet.deploy.fuse_model`: BatchNorm folded in backbone and decode head, fused
    Lite-HRNet forward); logits agree with the unfused model to about 1e-5.
    """
    model = mmseg_init_model(config, None, device='cpu', cfg_options=cfg_options)
    meta = {}
    if checkpoint is not None:
        state = load_checkpoint_file(checkpoint, trust=trust_checkpoint)
        load_state_dict(model, state.get('state_dict', state), strict=True)
        meta = state.get('meta', {})
    model.dataset_meta = meta.get('dataset_meta') or config_dataset_meta(model)
    model = revert_sync_batchnorm(model)
    if fuse:
        model = fuse_model(model)
    return model.to(device).eval()
