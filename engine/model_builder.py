"""The one way to build a model from a config: what the APIs, the deploy, benchmark and
complexity tools all call, for pose and segmentation configs alike."""
from typing import Optional, Tuple, Union

from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import MODELS, init_default_scope
from torch import Tensor, nn

from .checkpoint_loading import load_checkpoint_file


def build_model(config: Union[str, Config],
                checkpoint: Optional[str] = None,
                device: str = 'cpu',
                cfg_options: Optional[dict] = None,
                trust_checkpoint: bool = False) -> nn.Module:
    """The config's model in eval mode on ``device``, with ``model.cfg`` set.

    The model is built from the registry of the config's ``default_scope`` ('pose', 'mmseg').
    Checkpoints load weights-only (see :mod:`engine.checkpoint_loading`) and strictly: one of
    another model fails naming the file and the mismatching keys (released pose checkpoints'
    ``keypoint_head.*`` keys are renamed by the estimator). Their ``meta['dataset_meta']``, when
    present, becomes ``model.dataset_meta``. Without a checkpoint the weights keep their
    construction-time initialisation (Kaiming for conv modules): call ``init_weights()`` for the
    config's training initialisation. SyncBN becomes BN: one process, and possibly no GPU.

    Args:
        config: a config file or a loaded config (left unchanged).
        checkpoint: weights to load, or None.
        device: where to put the model.
        cfg_options: overrides merged into the config first.
        trust_checkpoint: allow a checkpoint that needs arbitrary unpickling.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config.copy()
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', None))
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        state = load_checkpoint_file(checkpoint, trust=trust_checkpoint)
        try:
            model.load_state_dict(state.get('state_dict', state), strict=True)
        except RuntimeError as error:
            raise RuntimeError(f'checkpoint {checkpoint} does not fit the model of this '
                               f'config:\n{error}') from error
        dataset_meta = state.get('meta', {}).get('dataset_meta')
        if dataset_meta is not None:
            model.dataset_meta = dataset_meta
    model = revert_sync_batchnorm(model)
    model.cfg = cfg
    return model.to(device).eval()


# The names of the tensor-mode outputs in exported graphs: one output keeps the name of
# earlier exports; a multi-task pose model (``with_mask``) names both of its own.
SINGLE_OUTPUT_NAMES = ('output', )
MASK_OUTPUT_NAMES = ('heatmaps', 'mask_logits')


class TensorForward(nn.Module):
    """Runs an OpenMMLab model in ``mode='tensor'``: backbone, neck and heads, no loss and no
    post-processing (pose: heatmaps (N, K, H/4, W/4), and with a mask head the tuple (heatmaps,
    mask logits (N, 1, H/4, W/4)); segmentation: logits (N, classes, H/4, W/4) before resizing
    to the image)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    @property
    def output_names(self) -> Tuple[str, ...]:
        """The names of the outputs, in order, as an exported graph gives them."""
        if getattr(self.model, 'with_mask', False):
            return MASK_OUTPUT_NAMES
        return SINGLE_OUTPUT_NAMES

    def forward(self, x: Tensor) -> Union[Tensor, Tuple[Tensor, ...]]:
        return self.model(x, mode='tensor')


def model_input_shape(model: nn.Module) -> Tuple[int, int]:
    """(H, W) of the inputs ``model`` takes, as the model declares it (``input_shape``: a pose
    estimator's codec input size, a segmentor's crop size).

    Raises:
        ValueError: the model declares none; the caller should ask for a shape.
    """
    shape = getattr(model, 'input_shape', None)
    if shape is None:
        raise ValueError(f'{type(model).__name__} declares no input_shape: pass a shape')
    return tuple(shape)
