"""ONNX export of models containing a Lite-HRNet, with a dynamic batch axis.

Exporting the trained model fails on the cross-resolution weighting, which pools every branch to
the smallest branch's size: the TorchScript exporter only converts adaptive pooling with a
constant output size, and a traced size is not constant. The export therefore traces a copy in
deploy mode with its input size fixed (:func:`switch_to_deploy`): every spatial size is a Python
int computed from the export shape (the pooling becomes a plain ``AveragePool``), nothing reads
the batch size, and the batch axis stays free.
"""
import collections
import copy
import warnings
from typing import Counter, Sequence, Tuple

import torch
from torch import nn

from ..modules import DeployForm
from .deploy_mode import switch_to_deploy

INPUT_NAME = 'input'
OUTPUT_NAME = 'output'


def op_histogram(path: str) -> Counter[str]:
    """How many nodes of each operator type the ONNX graph in ``path`` has."""
    import onnx
    return collections.Counter(node.op_type for node in onnx.load(path).graph.node)


def simplify_onnx(path: str) -> None:
    """Rewrite the ONNX file ``path`` without the exporter's debris, in place.

    onnxslim folds constants and removes the ``Identity``/``Constant`` nodes the exporter
    writes for shared initializers, and the shape arithmetic that static sizes leave constant;
    the computation is unchanged.
    """
    import onnx
    import onnxslim
    onnx.save(onnxslim.slim(onnx.load(path)), path)


def _check_output_names(path: str, names: Sequence[str]) -> None:
    """Refuse a graph whose outputs are not ``names``: the exporter would silently name an
    output beyond the given names by a number, which no caller looks up."""
    import onnx
    written = [output.name for output in onnx.load(path).graph.output]
    if written != list(names):
        raise ValueError(f'{path}: the model has {len(written)} output(s) ({", ".join(written)}) '
                         f'but {len(names)} output name(s) were given ({", ".join(names)})')


def export_onnx(model: nn.Module,
                input_size: Tuple[int, int],
                path: str,
                dynamic_batch: bool = True,
                opset: int = 17,
                in_channels: int = 3,
                simplify: bool = True,
                form: DeployForm = DeployForm(),
                output_names: Sequence[str] = (OUTPUT_NAME, )
                ) -> Tuple[Counter[str], Counter[str]]:
    """Export the deploy form of ``model`` (a module mapping (N, C, H, W) images to one tensor
    or a tuple of tensors, e.g. ``engine.TensorForward`` of a pose, multi-task pose or
    segmentation model) to ``path``; ``model`` itself is left unchanged.

    Uses the TorchScript-based exporter (``dynamo=False``): the dynamo exporter needs
    onnxscript, which is not a dependency.

    Args:
        model: the module to export.
        input_size: (H, W) of the exported input.
        path: output file.
        dynamic_batch: make axis 0 of the input and of every output symbolic ('batch').
        opset: ONNX opset.
        in_channels: image channels.
        simplify: write the graph through :func:`simplify_onnx`.
        form: the inference form of the Lite-HRNets (see :func:`switch_to_deploy`); which
            form each runtime gets is decided in ``engine.runtimes.GRAPH_FORMS``.
        output_names: the graph's output names, one per output of ``model``, in order
            (e.g. ``engine.TensorForward.output_names``).

    Returns:
        The op histograms (:func:`op_histogram`) of the traced graph and of the written one.

    Raises:
        ValueError: ``model`` has more outputs than ``output_names`` names (torch's exporter
            itself refuses fewer).
    """
    model = switch_to_deploy(copy.deepcopy(model), tuple(input_size), form)
    dummy = torch.zeros(1, in_channels, *input_size,
                        device=next(model.parameters()).device)
    output_names = list(output_names)
    dynamic_axes = ({name: {0: 'batch'} for name in [INPUT_NAME, *output_names]}
                    if dynamic_batch else None)
    with warnings.catch_warnings():
        # The legacy exporter announces its own deprecation on every call.
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        warnings.filterwarnings('ignore', message='.*legacy TorchScript-based ONNX export.*')
        with torch.no_grad():
            torch.onnx.export(model, (dummy, ), path, dynamo=False, opset_version=opset,
                              input_names=[INPUT_NAME], output_names=output_names,
                              dynamic_axes=dynamic_axes, do_constant_folding=True)
    _check_output_names(path, output_names)
    traced = op_histogram(path)
    if simplify:
        simplify_onnx(path)
    return traced, op_histogram(path)
