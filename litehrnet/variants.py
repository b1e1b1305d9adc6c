"""The architecture specs (``extra`` dicts) of the published Lite-HRNet variants."""
import copy
from typing import Dict

_STEM = dict(stem_channels=32, out_channels=32, expand_ratio=1)
_WIDE = ((40, 80), (40, 80, 160), (40, 80, 160, 320))
_NARROW = ((30, 60), (30, 60, 120), (30, 60, 120, 240))


def _spec(num_modules: tuple, module_type: str, num_channels: tuple,
          reduce_ratios: tuple) -> dict:
    return dict(
        stem=dict(_STEM),
        num_stages=3,
        stages_spec=dict(
            num_modules=num_modules,
            num_branches=(2, 3, 4),
            num_blocks=(2, 2, 2),
            module_type=(module_type, ) * 3,
            with_fuse=(True, ) * 3,
            reduce_ratios=reduce_ratios,
            num_channels=num_channels),
        with_head=True)


_VARIANTS: Dict[str, dict] = {
    'litehrnet_18': _spec((2, 4, 2), 'LITE', _WIDE, (8, 8, 8)),
    'litehrnet_30': _spec((3, 8, 3), 'LITE', _WIDE, (8, 8, 8)),
    # reduce_ratios are unused by NAIVE modules; (1, 1, 1) as in the original configs.
    'naive_litehrnet_18': _spec((2, 4, 2), 'NAIVE', _NARROW, (1, 1, 1)),
    'wider_naive_litehrnet_18': _spec((2, 4, 2), 'NAIVE', _WIDE, (1, 1, 1)),
}

VARIANT_NAMES = tuple(_VARIANTS)


def variant_extra(name: str, with_head: bool = True) -> dict:
    """A fresh copy of the ``extra`` dict of a published variant.

    Args:
        name: one of ``VARIANT_NAMES``.
        with_head: keep the IterativeHead (the segmentation "without-head" models drop it).
    """
    if name not in _VARIANTS:
        raise KeyError(f'unknown Lite-HRNet variant {name!r}; known: {", ".join(_VARIANTS)}')
    extra = copy.deepcopy(_VARIANTS[name])
    extra['with_head'] = with_head
    return extra
