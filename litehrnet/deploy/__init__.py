"""The inference form of models containing a Lite-HRNet: deploy mode (every block converting
itself to a :class:`~litehrnet.modules.DeployForm`, the other norms folded) and ONNX export.
Running the exported graph is the runtime layer's (``engine.runtimes``)."""
from ..modules import DeployForm
from .deploy_mode import switch_to_deploy
from .onnx_export import export_onnx, op_histogram, simplify_onnx

__all__ = ['DeployForm', 'switch_to_deploy', 'export_onnx', 'op_histogram', 'simplify_onnx']
