"""An mmseg config that only names ``litehrnet`` in custom_imports finds the backbone."""
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """
default_scope = 'mmseg'
custom_imports = dict(imports=['litehrnet'], allow_failed_imports=False)
model = dict(
    type='EncoderDecoder',
    backbone=dict(
        type='LiteHRNet',
        extra=dict(
            stem=dict(stem_channels=32, out_channels=32, expand_ratio=1),
            num_stages=3,
            stages_spec=dict(
                num_modules=(2, 4, 2), num_branches=(2, 3, 4), num_blocks=(2, 2, 2),
                module_type=('LITE', 'LITE', 'LITE'), with_fuse=(True, True, True),
                reduce_ratios=(8, 8, 8),
                num_channels=((40, 80), (40, 80, 160), (40, 80, 160, 320))),
            with_head=False)),
    decode_head=dict(type='FCNHead', in_channels=40, channels=40, num_convs=1, num_classes=19))
"""

# A fresh interpreter: nothing of this project is imported before Config.fromfile.
SCRIPT = """
import sys
from mmengine.config import Config
from mmengine.registry import init_default_scope
cfg = Config.fromfile(sys.argv[1])
init_default_scope(cfg.default_scope)
from mmseg.registry import MODELS
model = MODELS.build(cfg.model)
print(type(model).__name__, type(model.backbone).__module__, type(model.backbone).__name__,
      'seg' in sys.modules)
"""


def test_custom_imports_finds_litehrnet_in_a_fresh_process(tmp_path):
    config = tmp_path / 'litehrnet_fcn.py'
    config.write_text(textwrap.dedent(CONFIG))
    result = subprocess.run([sys.executable, '-c', SCRIPT, str(config)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-4:] == ['EncoderDecoder', 'litehrnet.backbone', 'LiteHRNet',
                                          'False']
