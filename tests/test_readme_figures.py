"""The README's cheap figures are what the tools compute: the complexity table (parameters and
FLOPs, as tools/analysis/complexity.py counts them) and the export table (node counts and
operators, as tools/deploy/export_onnx.py writes them)."""
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List

import pytest

from engine import GRAPH_FORMS, TensorForward, build_model
from litehrnet import LiteHRNet
from litehrnet.complexity import (MEBI, BackboneWithHead, count_parameters, dummy_input,
                                  published_flops)
from litehrnet.deploy import export_onnx

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / 'README.md').read_text()
spec = importlib.util.spec_from_file_location('complexity_tool',
                                              ROOT / 'tools/analysis/complexity.py')
complexity_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(complexity_tool)
VARIANTS = {'Naive Lite-HRNet-18': 'naive_litehrnet_18',
            'Wider Naive Lite-HRNet-18': 'wider_naive_litehrnet_18',
            'Lite-HRNet-18': 'litehrnet_18', 'Lite-HRNet-30': 'litehrnet_30'}
POSE_CONFIG = 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py'


def table_after(heading: str) -> List[List[str]]:
    """The cells of the first markdown table after ``heading`` in the README (header and
    separator rows left out)."""
    lines = README.split(heading, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('|'))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith('|'):
            break
        rows.append([cell.strip() for cell in line.strip('|').split('|')])
    return rows


def complexity_rows() -> List[List[str]]:
    rows = table_after('## Complexity')
    assert len(rows) == 10
    return rows


@pytest.mark.parametrize('row', complexity_rows(), ids=lambda row: f'{row[0]} {row[1]}')
def test_complexity_table_is_what_the_tool_counts(row):
    model_name, size, params, flops = row[:4]
    keypoints = 16 if model_name.endswith('(16 kpts)') else 17
    variant = VARIANTS[model_name.replace(' (16 kpts)', '')]
    height, width = map(int, size.split('x'))
    backbone = LiteHRNet(complexity_tool.VARIANTS[variant].extra.to_dict(), init_cfg=None)
    model = BackboneWithHead(backbone, backbone.out_channels[0], keypoints)
    # Formatted as the tool prints them.
    assert f'{count_parameters(model) / 1e6:.2f}M' == params
    assert f'{published_flops(model, dummy_input((height, width))) / MEBI:.1f}M' == flops


def export_rows() -> Dict[str, List[str]]:
    rows = table_after('What `tools/deploy/export_onnx.py` writes for Lite-HRNet-18 pose')
    return {runtime: next(row for row in rows if f'--runtime {runtime}' in row[0])
            for runtime in ('onnxruntime', 'openvino')}


@pytest.mark.parametrize('runtime', ['onnxruntime', 'openvino'])
def test_export_table_is_what_the_tool_writes(tmp_path, runtime):
    _, nodes, splits, concats, reshapes = export_rows()[runtime]
    model = build_model(str(ROOT / POSE_CONFIG))
    _, written = export_onnx(TensorForward(model), (256, 192), str(tmp_path / 'model.onnx'),
                             dynamic_batch=False, form=GRAPH_FORMS[runtime])
    histogram = Counter(written)
    assert f'{sum(histogram.values()):,}' == nodes
    assert [histogram['Split'], histogram['Concat'], histogram['Reshape']] == \
        [int(splits), int(concats), int(reshapes)]


def test_the_export_table_names_the_default(monkeypatch):
    """The tool's default runtime is the row the README calls the default."""
    spec = importlib.util.spec_from_file_location('export_tool',
                                                  ROOT / 'tools/deploy/export_onnx.py')
    export_tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(export_tool)
    monkeypatch.setattr(sys, 'argv', ['export_onnx.py', POSE_CONFIG, 'none', '--out', 'x.onnx'])
    assert export_tool.parse_args().runtime == 'onnxruntime'
    assert export_rows()['onnxruntime'][0].startswith('default')
