"""Named weight initialisations of LiteHRNet, as mmengine ``init_cfg`` lists.

Every preset starts from the original initialisation (HRNet/Lite-HRNet and mmpose 0.x:
Normal std 0.001 on every conv, weight 1 and bias 0 on every norm) and re-initialises on top:

- ``original``: nothing more. What the published configs use and the released checkpoints were
  trained from.
- ``mmpose1x``: the stem's four ``ConvModule``\\ s (``conv1``, ``expand_conv``,
  ``depthwise_conv``, ``linear_conv``) re-initialised by ``ConvModule.init_weights`` (Kaiming
  normal, fan_out, ReLU gain; norm 1/0). This is what mmpose 1.x's ``LiteHRNet`` ends up with
  (mmpose ``mmpose/models/backbones/litehrnet.py``): its ``Stem`` is a ``BaseModule``, so
  mmengine's ``BaseModule.init_weights`` recursion reaches those ConvModules after the
  backbone's own Normal(0.001) init; ``branch1`` is an ``nn.Sequential`` (no ``init_weights``)
  and keeps Normal(0.001), as does everything past the stem (stages and head sit in
  ``nn.Sequential``/``nn.ModuleList`` containers the recursion does not enter). The Kaiming
  draws come after all the Normal ones, in the order that recursion reaches the four.

See docs/reproduction.md ("Initialisation presets") for what each gives on the bundled COCO
sample.
"""
from typing import Dict, List, Optional, Sequence, Union

from mmengine.model.weight_init import BaseInit, update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS
from torch import nn

InitCfg = Optional[Union[dict, List[dict]]]

ORIGINAL_INIT_CFG = [
    dict(type='Normal', std=0.001, layer=['Conv2d']),
    dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm']),
]

STEM_CONV_MODULES = ('stem.conv1', 'stem.expand_conv', 'stem.depthwise_conv', 'stem.linear_conv')

# What each preset adds after the original initialisation.
INIT_PRESETS: Dict[str, List[dict]] = {
    'original': [],
    'mmpose1x': [dict(type='ConvModuleDefault', modules=STEM_CONV_MODULES)],
}


@WEIGHT_INITIALIZERS.register_module(name='ConvModuleDefault')
class ConvModuleDefaultInit(BaseInit):
    """Calls ``init_weights`` of the named mmcv ``ConvModule``\\ s (dotted paths below the
    initialised module), in the given order: mmcv's own default (Kaiming fan_out on the conv,
    1/0 on the norm), as mmengine's recursion applies it to ConvModules it reaches.

    Args:
        modules: dotted paths of ConvModules, e.g. ``'stem.conv1'``.
    """

    def __init__(self, modules: Sequence[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.modules = tuple(modules)

    def __call__(self, module: nn.Module) -> None:
        for path in self.modules:
            try:
                target = module.get_submodule(path)
            except AttributeError as error:
                raise ValueError(f'ConvModuleDefault: {type(module).__name__} has no submodule '
                                 f'{path!r}') from error
            target.init_weights()
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f'{type(self).__name__}: ConvModule.init_weights of {", ".join(self.modules)}'


def preset_init_cfg(preset: str, init_cfg: InitCfg) -> InitCfg:
    """``init_cfg`` followed by the preset's re-initialisers.

    mmengine applies a ``Pretrained`` entry after all others whatever its place in the list, so
    a loaded checkpoint still overwrites every preset.
    """
    if preset not in INIT_PRESETS:
        raise ValueError(f'init_preset must be one of {sorted(INIT_PRESETS)}, got {preset!r}')
    extra = INIT_PRESETS[preset]
    if not extra:
        return init_cfg
    base = [] if init_cfg is None else [init_cfg] if isinstance(init_cfg, dict) else init_cfg
    return [*base, *extra]
