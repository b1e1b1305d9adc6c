"""Inference runtimes (onnxruntime, OpenVINO) running a model's exported ONNX graph in place of
its PyTorch tensor-mode forward, for the pose and segmentation APIs, demos and benchmark."""
import copy
import os
import tempfile
from typing import Callable, Dict, Optional, Tuple

import numpy as np
import torch
from torch import Tensor, nn

from litehrnet.deploy import export_onnx, ort_session

from .model_builder import TensorForward

RUNTIMES = ('onnxruntime', 'openvino')
# The exported graph each runtime runs fastest (docs/benchmarks.md): OpenVINO the shuffle-free
# form of Lite stages (about twice as fast as split and shuffle there), onnxruntime split and
# shuffle (its blocked layout reorders around the broadcast products of the shuffle-free form).
SHUFFLE_FREE = dict(onnxruntime=False, openvino=True)
# What the APIs and demos accept: the trained PyTorch model, its deploy form, or a runtime.
BACKENDS = ('pytorch', 'deploy') + RUNTIMES

Session = Callable[[np.ndarray], np.ndarray]


def onnxruntime_session(path: str, threads: int = 0, spinning: bool = False) -> Session:
    """``x -> output`` of the ONNX file ``path`` in onnxruntime's CPU provider (all graph
    optimisations, ``threads`` intra-op threads, 0 = one per core; see
    :func:`litehrnet.deploy.ort_session` for ``spinning``)."""
    session = ort_session(path, threads=threads, spinning=spinning)
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x})[0]


def openvino_session(path: str, threads: int = 0, spinning: bool = False) -> Session:
    """``x -> output`` of the ONNX file ``path`` in OpenVINO's CPU plugin, compiled for the
    latency of one request in float32, with ``threads`` inference threads (0 = OpenVINO's
    default).

    The graph is recompiled for each new input shape (a static shape lets the plugin pick its
    kernels and memory plan once). ``spinning`` is onnxruntime's setting; OpenVINO has none
    (its CPU plugin schedules with TBB), so it is ignored here.
    """
    import openvino as ov
    core = ov.Core()
    model = core.read_model(path)
    # f32 explicitly: on CPUs with bfloat16 support the plugin otherwise computes in bfloat16
    # (differences of 1e-3 relative), which a backend meant to equal PyTorch must not do.
    config = {'PERFORMANCE_HINT': 'LATENCY', 'INFERENCE_PRECISION_HINT': 'f32'}
    if threads:
        config['INFERENCE_NUM_THREADS'] = threads
    compiled: Dict[Tuple[int, ...], object] = {}

    def run(x: np.ndarray) -> np.ndarray:
        if x.shape not in compiled:
            shaped = model.clone()
            shaped.reshape({shaped.input(0).get_any_name(): list(x.shape)})
            compiled[x.shape] = core.compile_model(shaped, 'CPU', config).create_infer_request()
        request = compiled[x.shape]
        return request.infer({0: x})[0].copy()

    return run


SESSIONS = dict(onnxruntime=onnxruntime_session, openvino=openvino_session)


def check_backend(backend: str) -> str:
    """``backend`` if it is one of :data:`BACKENDS`, else a ValueError naming the choices."""
    if backend not in BACKENDS:
        raise ValueError(f'unknown backend {backend!r}; choose from {", ".join(BACKENDS)}')
    return backend


def runtime_session(path: str, runtime: str, threads: int = 0,
                    spinning: bool = False) -> Session:
    """A session of ``runtime`` (one of :data:`RUNTIMES`) on the ONNX file ``path``."""
    if runtime not in SESSIONS:
        raise ValueError(f'unknown runtime {runtime!r}; choose from {RUNTIMES}')
    return SESSIONS[runtime](path, threads=threads, spinning=spinning)


class RuntimeForward:
    """A model's tensor-mode forward (pose heatmaps, segmentation logits) computed by an
    inference runtime from the model's exported graph.

    The deploy form of the model is exported once per input size (H, W), on first use, with a
    dynamic batch axis (:func:`litehrnet.deploy.export_onnx`), in the form the runtime runs
    fastest (:data:`SHUFFLE_FREE`); a segmentor that sees images of several sizes gets one
    graph each. Inputs and outputs are torch tensors on the input's
    device; the runtime computes on the CPU.

    Args:
        model: the PyTorch model (copied: later changes to it are not seen).
        runtime: 'onnxruntime' or 'openvino'.
        threads: the runtime's threads (0: its default).
        workdir: where the ONNX files go (default: a new temporary directory).
    """

    def __init__(self, model: nn.Module, runtime: str, threads: int = 0,
                 workdir: Optional[str] = None) -> None:
        if runtime not in SESSIONS:
            raise ValueError(f'unknown runtime {runtime!r}; choose from {RUNTIMES}')
        self.network = TensorForward(copy.deepcopy(model).cpu().eval())
        self.runtime = runtime
        self.threads = threads
        self.workdir = workdir or tempfile.mkdtemp(prefix=f'litehrnet_{runtime}_')
        self._sessions: Dict[Tuple[int, int], Session] = {}

    def _session(self, size: Tuple[int, int]) -> Session:
        if size not in self._sessions:
            path = os.path.join(self.workdir, f'model_{size[0]}x{size[1]}.onnx')
            export_onnx(self.network, size, path, dynamic_batch=True,
                        shuffle_free=SHUFFLE_FREE[self.runtime])
            self._sessions[size] = runtime_session(path, self.runtime, self.threads)
        return self._sessions[size]

    def __call__(self, x: Tensor) -> Tensor:
        """(N, 3, H, W) -> the model's ``mode='tensor'`` output for it."""
        session = self._session((int(x.shape[-2]), int(x.shape[-1])))
        out = session(np.ascontiguousarray(x.detach().float().cpu().numpy()))
        return torch.from_numpy(out).to(x.device)
