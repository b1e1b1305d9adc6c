"""Build a segmentor for inference, for ``mmseg.apis.inference_model``: weights-only
checkpoint loading and, optionally, the Lite-HRNet inference fast path."""
from typing import Optional, Union

from mmengine.config import Config
from mmseg.models import BaseSegmentor
from mmseg.registry import DATASETS

from engine import build_model
from litehrnet.deploy import switch_to_deploy


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
               deploy: bool = False) -> BaseSegmentor:
    """A segmentor in eval mode on ``device``, built by :func:`engine.build_model`.

    Weights load weights-only and strictly (torch >= 2.6 refuses mmengine's checkpoint
    metadata otherwise) unless ``trust_checkpoint`` is set. ``dataset_meta`` (classes, palette)
    comes from the checkpoint, else from the config's test dataset. SyncBN becomes BN (one
    process). ``deploy=True`` converts the model to the inference fast path
    (:func:`litehrnet.deploy.switch_to_deploy`: BatchNorm folded in backbone and decode head,
    Lite-HRNet modules in deploy mode); logits agree with the trained model to about 1e-5.
    """
    model = build_model(config, checkpoint, cfg_options=cfg_options,
                        trust_checkpoint=trust_checkpoint)
    if getattr(model, 'dataset_meta', None) is None:
        model.dataset_meta = config_dataset_meta(model)
    if deploy:
        model = switch_to_deploy(model)
    return model.to(device).eval()
