"""Build a pose or segmentation model from its config, for the deploy and benchmark tools."""
from typing import Optional, Tuple

from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import MODELS, init_default_scope
from torch import Tensor, nn

from ..engine import load_checkpoint_file


class TensorForward(nn.Module):
    """Runs an OpenMMLab model in ``mode='tensor'``: backbone, neck and head, no loss and no
    post-processing (pose: heatmaps (N, K, H/4, W/4); segmentation: logits (N, classes, H/4,
    W/4) before resizing to the image)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: Tensor):
        return self.model(x, mode='tensor')


def config_input_shape(cfg: Config) -> Tuple[int, int]:
    """(H, W) of a config's network input: the pose codec's input size (given as W, H) or the
    segmentation crop size (H, W)."""
    if 'codec' in cfg:
        width, height = cfg.codec['input_size']
        return height, width
    if 'crop_size' in cfg:
        return tuple(cfg.crop_size)
    raise KeyError('the config has neither `codec.input_size` nor `crop_size`: pass a shape')


def build_model(config: str,
                checkpoint: Optional[str] = None,
                device: str = 'cpu',
                trust_checkpoint: bool = False) -> Tuple[nn.Module, Config]:
    """The config's model in eval mode on ``device``, and the config.

    Checkpoints load weights-only and strictly (released ``keypoint_head.*`` keys are renamed
    by the pose estimator). Without a checkpoint the weights keep their construction-time
    initialisation (Kaiming for conv modules), which, unlike the configs' training init
    (std 0.001), keeps activations at a realistic scale for timing and parity checks.
    SyncBN becomes BN: one process, and possibly no GPU.
    """
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', None))
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        state = load_checkpoint_file(checkpoint, trust=trust_checkpoint)
        model.load_state_dict(state.get('state_dict', state), strict=True)
    model = revert_sync_batchnorm(model)
    return model.to(device).eval(), cfg
