"""Build a segmentor for inference, for ``mmseg.apis.inference_model``: weights-only
checkpoint loading and, optionally, the Lite-HRNet inference fast path."""
from typing import Optional, Union

from mmengine.config import Config
from mmseg.models import BaseSegmentor
from mmseg.registry import DATASETS

from engine import apply_backend, build_model, check_backend


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
               backend: str = 'pytorch',
               threads: int = 0) -> BaseSegmentor:
    """A segmentor in eval mode on ``device``, built by :func:`engine.build_model`.

    Weights load weights-only and strictly (torch >= 2.6 refuses mmengine's checkpoint
    metadata otherwise) unless ``trust_checkpoint`` is set. ``dataset_meta`` (classes, palette)
    comes from the checkpoint, else from the config's test dataset. SyncBN becomes BN (one
    process).

    Args:
        backend: what computes the logits (:data:`engine.BACKENDS`): 'pytorch', the trained
            modules; 'deploy', their inference form (:func:`litehrnet.deploy.switch_to_deploy`:
            BatchNorm folded in backbone and decode head, about 1e-5 from 'pytorch'; the model
            can no longer train); 'onnxruntime' or 'openvino', the exported graph in that
            runtime, one graph per image size (:class:`engine.RuntimeForward`, plugged in
            as the model's ``runtime``: the configs' ``RuntimeEncoderDecoder``; on the CPU).
        threads: the runtime's threads (0: its default).
    """
    check_backend(backend)
    model = build_model(config, checkpoint, cfg_options=cfg_options,
                        trust_checkpoint=trust_checkpoint)
    if getattr(model, 'dataset_meta', None) is None:
        model.dataset_meta = config_dataset_meta(model)
    return apply_backend(model, backend, threads).to(device).eval()
