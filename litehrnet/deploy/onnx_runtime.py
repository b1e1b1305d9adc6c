"""onnxruntime sessions for exported models, and the parity check against PyTorch."""
from typing import Callable, Sequence

import numpy as np
import torch
from torch import Tensor


def ort_session(path: str, threads: int = 0, device: str = 'cpu', spinning: bool = True):
    """An ``onnxruntime.InferenceSession`` with all graph optimisations (constant folding,
    conv/activation fusion, NCHWc layouts on x86) and ``threads`` intra-op threads (0: the
    runtime's default, one per core). Sequential execution: the graph is a chain, so inter-op
    threads would only compete with the intra-op ones.

    ``spinning=False`` makes idle worker threads sleep instead of busy-waiting for the next
    call: a little slower alone, but it stops them stealing the cores from other work in the
    same process (such as a PyTorch model timed in turns with this session).
    """
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry('session.intra_op.allow_spinning', '1' if spinning else '0')
    providers = ['CPUExecutionProvider']
    if device.startswith('cuda') and 'CUDAExecutionProvider' in ort.get_available_providers():
        providers.insert(0, 'CUDAExecutionProvider')
    return ort.InferenceSession(path, options, providers=providers)


def ort_forward(session) -> Callable[[Tensor], np.ndarray]:
    """A function running ``session`` on an (N, C, H, W) CPU tensor, returning its first output."""
    name = session.get_inputs()[0].name

    def forward(x: Tensor) -> np.ndarray:
        return session.run(None, {name: x.detach().cpu().numpy()})[0]

    return forward


@torch.no_grad()
def onnx_max_abs_diff(path: str, reference: Callable[[Tensor], Tensor],
                      inputs: Sequence[Tensor]) -> float:
    """Largest absolute difference between onnxruntime on ``path`` and ``reference`` over all
    ``inputs`` (e.g. several batch sizes, to check a dynamic batch axis)."""
    run = ort_forward(ort_session(path))
    worst = 0.0
    for x in inputs:
        expected = reference(x).detach().cpu().numpy()
        got = run(x)
        if got.shape != expected.shape:
            raise ValueError(f'onnxruntime output shape {got.shape} != PyTorch {expected.shape}')
        worst = max(worst, float(np.abs(got - expected).max()))
    return worst
