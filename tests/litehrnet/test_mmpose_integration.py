"""Our LiteHRNet in mmpose 1.x configs, where ``type='LiteHRNet'`` finds mmpose's own.

mmpose 1.x registers a ``LiteHRNet`` in its model registry (``mmpose/registry.py``: a child of
mmengine's root ``MODELS`` with scope 'mmpose'; ``mmpose/models/backbones/litehrnet.py``).
mmengine looks a name up in the current scope's registry first and in its parents after, so in
an mmpose config the plain name silently builds mmpose's class. The root-scoped name
``'mmengine.LiteHRNet'`` builds ours: ``Registry.get`` resolves a ``scope.`` prefix that is not
a child scope in the root registry, whose scope is 'mmengine' (mmengine 0.10.7,
``mmengine/registry/registry.py``, ``Registry.get``).

mmpose itself needs torchvision and chumpy, which this environment does not install (torchvision
pins torch), so a registry that is set up like mmpose's stands in for it.
"""
import textwrap

import pytest
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope, Registry
from torch import nn

from litehrnet import LiteHRNet

from .conftest import variant_extra

SCOPE = 'mmpose_like'
MMPOSE_LIKE_MODELS = Registry('model', parent=MODELS, scope=SCOPE)


@MMPOSE_LIKE_MODELS.register_module(name='LiteHRNet')
class TheirLiteHRNet(nn.Module):
    """Stands for mmpose's LiteHRNet (same name, same ``extra`` argument)."""

    def __init__(self, extra: dict, **kwargs) -> None:
        super().__init__()
        self.extra = extra


@MMPOSE_LIKE_MODELS.register_module()
class TopdownPoseEstimator(nn.Module):
    """Builds its backbone from its own registry, as mmpose's estimators do."""

    def __init__(self, backbone: dict) -> None:
        super().__init__()
        self.backbone = MMPOSE_LIKE_MODELS.build(backbone)


@pytest.fixture(autouse=True)
def mmpose_like_scope():
    """An mmpose config's ``default_scope``."""
    with DefaultScope.overwrite_default_scope(SCOPE):
        yield


def backbone(name: str) -> dict:
    return dict(type=name, extra=variant_extra('litehrnet_18'))


def test_the_plain_name_builds_the_projects_own_class():
    assert type(MMPOSE_LIKE_MODELS.build(backbone('LiteHRNet'))) is TheirLiteHRNet
    assert type(MODELS.build(backbone('LiteHRNet'))) is TheirLiteHRNet  # via the scope


def test_the_root_scoped_name_builds_ours():
    assert type(MMPOSE_LIKE_MODELS.build(backbone('mmengine.LiteHRNet'))) is LiteHRNet
    estimator = MMPOSE_LIKE_MODELS.build(
        dict(type='TopdownPoseEstimator', backbone=backbone('mmengine.LiteHRNet')))
    assert type(estimator.backbone) is LiteHRNet
    # A project's own classes stay reachable next to it.
    assert type(estimator) is TopdownPoseEstimator


def test_in_a_config_file(tmp_path):
    """An mmpose-style config: default_scope, custom_imports, the root-scoped backbone."""
    path = tmp_path / 'td-hm_litehrnet-18_coco-256x192.py'
    path.write_text(textwrap.dedent(f"""
        default_scope = {SCOPE!r}
        custom_imports = dict(imports=['litehrnet'], allow_failed_imports=False)
        model = dict(
            type='TopdownPoseEstimator',
            backbone=dict(type='mmengine.LiteHRNet', extra={variant_extra('litehrnet_18')!r},
                          out_indices=(0, 1, 2, 3)))
    """))
    cfg = Config.fromfile(str(path))
    model = MODELS.build(cfg.model)
    assert type(model.backbone) is LiteHRNet and model.backbone.out_indices == (0, 1, 2, 3)
