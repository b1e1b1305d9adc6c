"""tools/analysis/complexity.py on the segmentation configs (the counts in docs/seg_results.md)."""
import importlib.util
from pathlib import Path

import pytest
import torch

from litehrnet.complexity import count_parameters, dummy_input, published_flops, standard_macs

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location('complexity_tool',
                                              ROOT / 'tools/analysis/complexity.py')
complexity_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(complexity_tool)


pytestmark = [pytest.mark.usefixtures('one_thread'), pytest.mark.slow]


@pytest.mark.parametrize('config,shape,params', [
    ('fcn_litehrnet-18_cityscapes-512x1024.py', (512, 1024), 1_112_651),
    ('fcn-resize-concat_litehrnet-30-with-head_ade20k-512x512.py', (512, 512), 1_914_210),
    ('demo/fcn_litehrnet-18_cityscapes-sample.py', (128, 256), 1_112_651),
])
def test_builds_at_the_crop_size(config, shape, params):
    model, crop = complexity_tool.model_from_config(str(ROOT / 'configs/seg' / config))
    assert crop == shape
    assert count_parameters(model) == params
    # Counted at a small size here; the table counts at the crop size.
    x = dummy_input((64, 128))
    assert 0 < standard_macs(model, x) < published_flops(model, x)
