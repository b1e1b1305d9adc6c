"""Post-training int8 quantization of a model's exported graph for OpenVINO, with NNCF.

Which layers run in int8 was decided by measurement (docs/benchmarks.md, "Int8"): Lite-HRNet is
mostly depthwise convolutions, squeeze-excite gates, resizes and element-wise products, and
every boundary between int8 and float32 layers costs OpenVINO a layout reorder. Quantizing only
the dense convolutions (``Convolution``) keeps those boundaries fewest and was the fastest int8
variant measured; everything else stays float32, and so do the first conv (it reads the image)
and the output layer (the pose heatmaps, the segmentation logits), which moved the keypoints
most.
"""
from typing import Iterable

import numpy as np
from torch import nn

from .runtimes import export_for_runtime, openvino_core

# OpenVINO operation types that stay in float32 (all but the dense convolutions).
FLOAT_TYPES = ('GroupConvolution', 'Multiply', 'Sigmoid', 'Interpolate', 'ReduceMean',
               'AvgPool', 'Add', 'Concat', 'MatMul')
# Layers that stay in float32 by their exported names: the stem's first conv, the pose head's
# final layer (and the mask head's read-out, also ``final_layer``) and the segmentation head's
# classifier.
FLOAT_LAYERS = ('.*stem/conv1/.*', '.*final_layer.*', '.*conv_seg.*')


def quantize_for_openvino(model: nn.Module, size, calibration: Iterable[np.ndarray],
                          onnx_path: str, out: str) -> int:
    """Export ``model``'s tensor-mode forward for inputs of ``size`` = (H, W) in OpenVINO's
    graph form to ``onnx_path``, quantize it with NNCF on ``calibration`` (batches (1, 3, H,
    W) float32, preprocessed as the model's inputs), and save the int8 model as OpenVINO IR
    (``out``, an .xml with its .bin). Returns the number of calibration samples used.

    Raises:
        ImportError: NNCF or OpenVINO is not installed (``requirements/deploy.txt``).
    """
    import nncf
    import openvino as ov
    samples = list(calibration)
    export_for_runtime(model, 'openvino', size, onnx_path)
    quantized = nncf.quantize(
        openvino_core().read_model(onnx_path), nncf.Dataset(samples), subset_size=len(samples),
        preset=nncf.QuantizationPreset.PERFORMANCE, fast_bias_correction=True,
        ignored_scope=nncf.IgnoredScope(types=list(FLOAT_TYPES), patterns=list(FLOAT_LAYERS),
                                        validate=False))
    ov.save_model(quantized, out)
    return len(samples)
