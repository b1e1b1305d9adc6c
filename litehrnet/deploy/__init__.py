"""Inference deployment of models containing a Lite-HRNet: BatchNorm folding, the fused fast
path of the backbone, model-level conversion (:func:`fuse_model`) and ONNX export."""
from .fuse_batchnorm import fold_batchnorm, fold_conv_norm
from .fuse_model import fuse_model
from .fused_backbone import FusedLiteHRNet
from .static_ops import branch_sizes
from .onnx_export import export_onnx, prepare_for_export
from .onnx_runtime import onnx_max_abs_diff, ort_forward, ort_session

__all__ = [
    'fold_batchnorm', 'fold_conv_norm', 'fuse_model', 'FusedLiteHRNet', 'branch_sizes',
    'export_onnx', 'prepare_for_export', 'onnx_max_abs_diff', 'ort_forward', 'ort_session'
]
