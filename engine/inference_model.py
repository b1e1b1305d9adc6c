"""The model of a config for inference, as the pose and segmentation APIs give it."""
from typing import Optional, Union

from mmengine.config import Config
from mmengine.registry import DATASETS
from torch import nn

from .model_builder import build_model
from .runtimes import apply_backend, resolve_backend


def init_model(config: Union[str, Config],
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None,
               trust_checkpoint: bool = False,
               backend: str = 'pytorch',
               threads: int = 0,
               streams: int = 0) -> nn.Module:
    """A pose estimator or a segmentor in eval mode on ``device``, ready to predict.

    Built by :func:`build_model`: checkpoints load weights-only and strictly (one of another
    architecture fails with the mismatching keys; released pose checkpoints' ``keypoint_head.*``
    keys are renamed). Without a checkpoint the weights get the config's initialisation.
    ``model.dataset_meta`` comes from the checkpoint, else from the config's test dataset
    (through any dataset wrappers).

    Args:
        backend: what computes the model's tensors (:data:`engine.BACKENDS`; 'auto': the
            fastest installed on a CPU, 'pytorch' on CUDA, see :func:`engine.resolve_backend`):
            'pytorch', the trained modules; 'deploy', their inference form (BatchNorm folded,
            about 1e-6 from 'pytorch'; the model can no longer train); 'onnxruntime' or
            'openvino', the exported graph in that runtime (:class:`engine.RuntimeForward`,
            on the CPU, as the model's ``runtime``).
        threads: the runtime's threads (0: its default).
        streams: a runtime's concurrent streams, over which a batch is split in order (0:
            two per CPU core; see :class:`engine.RuntimeForward`).
    """
    backend = resolve_backend(backend, device)
    model = build_model(config, checkpoint, cfg_options=cfg_options,
                        trust_checkpoint=trust_checkpoint)
    if checkpoint is None:
        model.init_weights()
    if getattr(model, 'dataset_meta', None) is None:
        model.dataset_meta = test_dataset_meta(model.cfg)
    return apply_backend(model, backend, threads, streams).to(device).eval()


def test_dataset_meta(cfg: Config) -> dict:
    """The metainfo of the config's test dataset class (unwrapping dataset wrappers), as
    mmengine's ``BaseDataset._load_metainfo`` reads it."""
    dataset = cfg.test_dataloader.dataset
    while 'dataset' in dataset:
        dataset = dataset.dataset
    with DATASETS.switch_scope_and_registry(cfg.get('default_scope')) as registry:
        return registry.get(dataset.type)._load_metainfo(dataset.get('metainfo'))
