"""The inference form of models containing a Lite-HRNet: BatchNorm folding, deploy mode (each
module converting itself), the shuffle-free form of Lite stages, and ONNX export with its
onnxruntime parity check."""
from .batchnorm_folding import fold_batchnorm, fold_conv_norm
from .deploy_mode import switch_to_deploy
from .onnx_export import export_onnx, op_histogram, simplify_onnx
from .onnx_runtime import onnx_max_abs_diff, ort_forward, ort_session
from .shuffle_free import make_shuffle_free_

__all__ = [
    'fold_batchnorm', 'fold_conv_norm', 'switch_to_deploy', 'make_shuffle_free_', 'export_onnx',
    'op_histogram', 'simplify_onnx', 'onnx_max_abs_diff', 'ort_forward', 'ort_session'
]
