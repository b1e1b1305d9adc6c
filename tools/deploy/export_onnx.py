"""Export a pose or segmentation model to ONNX and check it against PyTorch in onnxruntime.

    python tools/deploy/export_onnx.py CONFIG CKPT --out FILE [--dynamic-batch] [--shape H W]
        [--opset 17] [--atol 1e-4] [--runtime onnxruntime|openvino] [--form split|shuffle-free]
        [--no-simplify] [--trust-checkpoint]

The exported graph is the model's tensor-mode forward (pose: heatmaps (N, K, H/4, W/4), the output
'output'; a multi-task pose model with a mask head: two outputs, 'heatmaps' and 'mask_logits' (N, 1,
H/4, W/4); segmentation: logits (N, classes, H/4, W/4), 'output') in deploy mode (litehrnet.deploy),
with every spatial size fixed by --shape (default: the config's input size) and, with
--dynamic-batch, a symbolic batch axis on the input and every output. Lite stages are written in the
form the file's --runtime runs fastest (``engine.GRAPH_FORMS``: split and shuffle as trained for
onnxruntime, the default; shuffle-free for OpenVINO: the channel shuffles folded into the weights of
the layers that read them, no shuffle, reshape or split of branch halves left; the stem and the
cross-resolution weightings keep their own split and concatenation), or in --form when given; see
docs/benchmarks.md. The file is simplified (onnxslim: constants folded, the exporter's
Identity/Constant nodes and constant shape arithmetic removed; --no-simplify keeps the traced
graph), and the tool prints the node count and operator histogram of the traced and of the written
graph. It then runs the file in onnxruntime at batch 1 (and 3 with --dynamic-batch) and fails if the
largest absolute difference from the PyTorch model, in any output, exceeds --atol. CKPT may be
'none' for an untrained model (to try the export).
"""
import argparse
import sys
from typing import Counter, Dict

import torch

from engine import (GRAPH_FORMS, RUNTIMES, TensorForward, build_model, model_input_shape,
                    onnx_max_abs_diff, refuse_overwriting_inputs)
from litehrnet.deploy import DeployForm, export_onnx


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint', help="checkpoint file, or 'none'")
    parser.add_argument('--out', required=True, help='the .onnx file to write')
    parser.add_argument('--dynamic-batch', action='store_true',
                        help='symbolic batch axis (spatial sizes stay fixed)')
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help="input height and width (default: the config's input size)")
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--atol', type=float, default=1e-4,
                        help='largest accepted |onnxruntime - PyTorch|')
    parser.add_argument('--runtime', choices=RUNTIMES, default='onnxruntime',
                        help='the runtime the file is for: its graph form (engine.GRAPH_FORMS)')
    parser.add_argument('--form', choices=['split', 'shuffle-free'],
                        help="how Lite stages are written, instead of the runtime's form (Naive "
                        'ones are always split)')
    parser.add_argument('--no-simplify', action='store_true',
                        help='write the traced graph as it is')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow a checkpoint that needs arbitrary unpickling')
    return parser.parse_args()


def histogram_line(histogram: Counter[str]) -> str:
    """``1095 nodes: Conv 301, Relu 112, ...``, most frequent operator first."""
    ops = ', '.join(f'{op} {count}' for op, count in histogram.most_common())
    return f'{sum(histogram.values())} nodes: {ops}'


def diff_line(diffs: Dict[str, float]) -> str:
    """``1.19e-06`` for one output, ``heatmaps 1.19e-06, mask_logits 4.77e-07`` for several."""
    if len(diffs) == 1:
        return f'{next(iter(diffs.values())):.2e}'
    return ', '.join(f'{name} {diff:.2e}' for name, diff in diffs.items())


def main() -> int:
    args = parse_args()
    checkpoint = None if args.checkpoint.lower() == 'none' else args.checkpoint
    refuse_overwriting_inputs(args.out, [args.config, checkpoint])
    model = build_model(args.config, checkpoint, trust_checkpoint=args.trust_checkpoint)
    shape = tuple(args.shape) if args.shape else model_input_shape(model)
    form = GRAPH_FORMS[args.runtime] if args.form is None else DeployForm(
        shuffle_free=args.form == 'shuffle-free')
    forward = TensorForward(model)
    traced, written = export_onnx(forward, shape, args.out, dynamic_batch=args.dynamic_batch,
                                  opset=args.opset, simplify=not args.no_simplify, form=form,
                                  output_names=forward.output_names)
    print(f'traced graph:  {histogram_line(traced)}')
    print(f'written graph: {histogram_line(written)}')
    batches = (1, 3) if args.dynamic_batch else (1, )
    generator = torch.Generator().manual_seed(0)
    inputs = [torch.randn(n, 3, *shape, generator=generator) for n in batches]
    diffs = onnx_max_abs_diff(args.out, forward, inputs)
    print(f'wrote {args.out}: input (N, 3, {shape[0]}, {shape[1]}), batch '
          f'{"dynamic" if args.dynamic_batch else "1"}, outputs {", ".join(diffs)}; '
          f'onnxruntime vs PyTorch max |diff| {diff_line(diffs)} at batch '
          f'{", ".join(map(str, batches))}')
    failed = {name: diff for name, diff in diffs.items() if diff > args.atol}
    if failed:
        print(f'parity check FAILED: {diff_line(failed)} > {args.atol:.0e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
