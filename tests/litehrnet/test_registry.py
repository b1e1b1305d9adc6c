"""LiteHRNet is found by downstream projects' registries through mmengine's root registry."""
import pytest
import subprocess
import sys
import textwrap

import litehrnet  # noqa: F401
from litehrnet import LiteHRNet

from .conftest import variant_extra


def test_mmseg_registry_builds_litehrnet():
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    model = MODELS.build(dict(type='LiteHRNet', extra=variant_extra('litehrnet_18'),
                              out_indices=(0, 1, 2, 3)))
    assert isinstance(model, LiteHRNet)
    assert model.out_channels == [40, 40, 80, 160]


@pytest.mark.slow
def test_custom_imports_in_an_mmseg_config(tmp_path):
    """In a fresh interpreter that never imported litehrnet, custom_imports is enough."""
    config = tmp_path / 'cfg.py'
    config.write_text(textwrap.dedent(f"""
        custom_imports = dict(imports=['litehrnet'], allow_failed_imports=False)
        norm_cfg = dict(type='BN', requires_grad=True)
        model = dict(
            type='EncoderDecoder',
            backbone=dict(type='LiteHRNet', extra={variant_extra('litehrnet_18')!r},
                          out_indices=(0, 1, 2, 3), norm_cfg=norm_cfg),
            decode_head=dict(type='FCNHead', in_channels=40, in_index=0, channels=40,
                             num_convs=1, num_classes=19, norm_cfg=norm_cfg,
                             loss_decode=dict(type='CrossEntropyLoss')))
    """))
    script = textwrap.dedent(f"""
        import sys
        from mmengine.config import Config
        from mmengine.registry import init_default_scope
        cfg = Config.fromfile({str(config)!r})
        init_default_scope('mmseg')
        from mmseg.registry import MODELS
        model = MODELS.build(cfg.model)
        print(type(model.backbone).__module__, type(model.backbone).__name__,
              'litehrnet' in sys.modules, 'seg' in sys.modules)
    """)
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True,
                         check=True).stdout
    assert out.split()[-4:] == ['litehrnet.backbone', 'LiteHRNet', 'True', 'False']


@pytest.mark.slow
def test_the_backbone_package_needs_no_task_package():
    """``litehrnet`` imports nothing of the task packages, the runtime glue, mmseg or mmpose:
    importing it (deploy and reference included) works with all of those made unimportable."""
    blocked = ['pose', 'seg', 'engine', 'mmseg', 'mmpose', 'mmdet']
    script = textwrap.dedent(f"""
        import sys
        for name in {blocked!r}:
            sys.modules[name] = None  # makes `import name` raise ImportError
        import litehrnet, litehrnet.complexity, litehrnet.deploy, litehrnet.reference
        print(sorted(name for name in sys.modules
                     if name.split('.')[0] in {blocked!r} and sys.modules[name] is not None))
    """)
    result = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-1] == '[]'
