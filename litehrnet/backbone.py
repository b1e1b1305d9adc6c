"""LiteHRNet: the backbone, built from the original configs' ``extra`` dict."""
from typing import List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.registry import MODELS
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from .init_presets import ORIGINAL_INIT_CFG, InitCfg, preset_init_cfg
from .modules import BranchOutputs, DeployForm, IterativeHead, LiteHRModule, Stem, Transition
from .modules.ops import Size, branch_sizes


@MODELS.register_module()
class LiteHRNet(BaseModule):
    """Lite-HRNet (Yu et al., CVPR 2021), key-for-key compatible with the released checkpoints.

    Args:
        extra: the original configs' architecture spec::

            dict(stem=dict(stem_channels=32, out_channels=32, expand_ratio=1),
                 num_stages=3,
                 stages_spec=dict(num_modules=(2, 4, 2), num_branches=(2, 3, 4),
                                  num_blocks=(2, 2, 2), module_type=('LITE',) * 3,
                                  with_fuse=(True,) * 3, reduce_ratios=(8, 8, 8),
                                  num_channels=((40, 80), (40, 80, 160), (40, 80, 160, 320))),
                 with_head=True)

        in_channels: image channels.
        conv_cfg, norm_cfg: mmcv conv and norm configs (BN, SyncBN, GN, ...).
        norm_eval: keep the norm layers in eval mode while training (frozen statistics).
        frozen_stages: -1 freezes nothing, 0 the stem, k >= 1 the stem and the first k
            transitions and stages (eval mode, no gradients).
        with_cp: gradient checkpointing in the stem and the blocks.
        out_indices: which branches to return, 0 being the highest resolution: ``(0,)`` for pose
            (what the original returned), ``(0, 1, 2, 3)`` for segmentation.
        init_cfg: the original initialisation (Normal std 0.001 on convs, 1 on norms) by default;
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')`` loads a released model.
        init_preset: what is re-initialised after ``init_cfg`` (a ``Pretrained`` load still comes
            last): ``'original'`` nothing (the published configs), ``'mmpose1x'`` the stem's
            ConvModules Kaiming fan_out as mmpose 1.x does; see :mod:`litehrnet.init_presets`.

    Shapes: (N, in_channels, H, W) -> tuple of (N, C_k, ceil(H / 2**(k+2)), ceil(W / 2**(k+2)))
    for k in ``out_indices``, with C = num_channels of the last stage, or [c0, c0, c1, c2] after
    the IterativeHead (``with_head=True``).

    :meth:`switch_to_deploy` turns it into its inference form (see
    :class:`litehrnet.modules.DeployForm`).
    """

    def __init__(self,
                 extra: dict,
                 in_channels: int = 3,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 norm_eval: bool = False,
                 frozen_stages: int = -1,
                 with_cp: bool = False,
                 out_indices: Sequence[int] = (0,),
                 init_cfg: InitCfg = ORIGINAL_INIT_CFG,
                 init_preset: str = 'original') -> None:
        super().__init__(init_cfg=preset_init_cfg(init_preset, init_cfg))
        self.init_preset = init_preset
        self.extra = extra
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.num_stages = extra['num_stages']
        self.stages_spec = extra['stages_spec']
        if not -1 <= frozen_stages <= self.num_stages:
            raise ValueError(f'frozen_stages must be in [-1, {self.num_stages}], '
                             f'got {frozen_stages}')
        self.frozen_stages = frozen_stages
        layer_cfg = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)

        stem = extra['stem']
        self.stem = Stem(in_channels, stem['stem_channels'], stem['out_channels'],
                         stem['expand_ratio'], with_cp=with_cp, **layer_cfg)
        channels = [self.stem.out_channels]
        for i in range(self.num_stages):
            new_channels = list(self.stages_spec['num_channels'][i])
            setattr(self, f'transition{i}', Transition(channels, new_channels, **layer_cfg))
            stage, channels = self._make_stage(i, new_channels, layer_cfg)
            setattr(self, f'stage{i}', stage)
        self.with_head = extra['with_head']
        if self.with_head:
            self.head_layer = IterativeHead(channels, norm_cfg=norm_cfg)
            channels = channels[:1] + channels[:-1]
        self.out_channels_all = channels

        if not out_indices or any(not 0 <= k < len(channels) for k in out_indices):
            raise ValueError(f'out_indices must be a non-empty subset of 0..{len(channels) - 1}, '
                             f'got {out_indices}')
        self.out_indices = tuple(out_indices)
        self.outputs = BranchOutputs(self.out_indices, channels)
        self.num_branches = max(self.stages_spec['num_branches'])
        # (H, W) every input has, set in deploy mode for export: sizes are then Python ints.
        self.static_input_size: Optional[Size] = None
        self._freeze_stages()

    @property
    def out_channels(self) -> List[int]:
        """Channels of each returned map, in ``out_indices`` order."""
        return [self.out_channels_all[k] for k in self.out_indices]

    def _make_stage(self, index: int, in_channels: List[int],
                    layer_cfg: dict) -> Tuple[nn.Sequential, List[int]]:
        spec = self.stages_spec
        # Every module fuses into all branches (the original always passed multiscale_output=True).
        modules = [
            LiteHRModule(spec['num_branches'][index], spec['num_blocks'][index], in_channels,
                         spec['reduce_ratios'][index], spec['module_type'][index],
                         multiscale_output=True, with_fuse=spec['with_fuse'][index],
                         with_cp=self.with_cp, **layer_cfg)
            for _ in range(spec['num_modules'][index])
        ]
        return nn.Sequential(*modules), in_channels

    def _frozen_modules(self) -> List[nn.Module]:
        if self.frozen_stages < 0:
            return []
        modules = [self.stem]
        for i in range(self.frozen_stages):
            modules += [getattr(self, f'transition{i}'), getattr(self, f'stage{i}')]
        return modules

    def _freeze_stages(self) -> None:
        for module in self._frozen_modules():
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def _static_sizes(self, x: Tensor) -> Optional[List[Size]]:
        """Every branch's (H, W) as Python ints in deploy mode with a fixed input size."""
        if self.static_input_size is None:
            return None
        if not torch.jit.is_tracing() and tuple(x.shape[-2:]) != tuple(self.static_input_size):
            raise ValueError(f'this Lite-HRNet was deployed for {tuple(self.static_input_size)} '
                             f'inputs, got {tuple(x.shape[-2:])}')
        return branch_sizes(self.static_input_size, self.num_branches)

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        sizes = self._static_sizes(x)
        branches = [self.stem(x, sizes and sizes[0])]
        for i in range(self.num_stages):
            branches = getattr(self, f'transition{i}')(branches)
            for module in getattr(self, f'stage{i}'):
                branches = module(branches, sizes)
        if self.with_head:
            branches = self.head_layer(branches, sizes)
        return self.outputs(branches)

    def switch_to_deploy(self, form: DeployForm = DeployForm(),
                         input_size: Optional[Size] = None) -> None:
        """Convert to the inference form, in place: every child in turn, in the order data
        flows through them, switches itself to ``form`` (norms folded, gradient checkpointing
        off, in the shuffle-free form the channel order each writes passed on to the next);
        with ``input_size`` = (H, W), every size is fixed for inputs of that size (ONNX
        export). The outputs equal the trained model's up to float rounding (about 1e-6
        relative); the model cannot train afterwards."""
        form = form.for_module_types(self.stages_spec['module_type'])
        orders = self.stem.switch_to_deploy(form)
        for i in range(self.num_stages):
            orders = getattr(self, f'transition{i}').switch_to_deploy(form, orders)
            for module in getattr(self, f'stage{i}'):
                orders = module.switch_to_deploy(form, orders)
        if self.with_head:
            orders = self.head_layer.switch_to_deploy(form, orders)
        self.outputs.switch_to_deploy(form, orders)
        self.static_input_size = None if input_size is None else tuple(input_size)
        self.with_cp = False
        self.eval()

    def train(self, mode: bool = True) -> 'LiteHRNet':
        """Switch to training mode, keeping frozen stages and (with ``norm_eval``) norms in eval."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
