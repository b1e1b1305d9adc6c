"""The runtime layer: every way the APIs, the inferencer, the export tool and the benchmark run
a model for inference, for pose and segmentation alike.

Vocabulary (:data:`BACKENDS`): 'pytorch' (the trained modules), 'deploy' (their inference form
in PyTorch, :func:`litehrnet.deploy.switch_to_deploy`), the runtimes that run the exported
ONNX graph: 'onnxruntime' and 'openvino' (:data:`RUNTIMES`), and 'auto', the fastest of them
installed on a CPU and 'pytorch' on CUDA (:func:`resolve_backend`). :data:`GRAPH_FORMS` is the
one place that decides which form of the Lite-HRNet graph each gets (docs/benchmarks.md has the
measurements behind it). A model takes a runtime through its ``runtime`` attribute, which its
tensor forward consults (pose's ``TopdownPoseEstimator``, segmentation's
``RuntimeEncoderDecoder``).
"""
import collections
import copy
import functools
import importlib.util
import os
import shutil
import tempfile
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from torch import Tensor, nn

from litehrnet.deploy import DeployForm, export_onnx, switch_to_deploy

from .model_builder import TensorForward

RUNTIMES = ('onnxruntime', 'openvino')
# 'auto': the fastest one installed on a CPU, PyTorch on CUDA (:func:`resolve_backend`).
BACKENDS = ('auto', 'pytorch', 'deploy') + RUNTIMES
# OpenVINO runs the shuffle-free form about twice as fast as split and shuffle; onnxruntime
# the split form (its blocked layout reorders around the shuffle-free form's broadcast
# products); in PyTorch the split form (docs/benchmarks.md).
GRAPH_FORMS: Dict[str, DeployForm] = {
    'deploy': DeployForm(),
    'onnxruntime': DeployForm(),
    'openvino': DeployForm(shuffle_free=True),
}

# A graph's outputs: the array of a one-output graph (pose heatmaps, segmentation logits), the
# tuple of all in the graph's order otherwise (a multi-task pose model's heatmaps and mask
# logits), as the model's tensor forward returns them.
Outputs = Union[np.ndarray, Tuple[np.ndarray, ...]]
TensorOutputs = Union[Tensor, Tuple[Tensor, ...]]
Session = Callable[[np.ndarray], Outputs]


def _one_or_all(outputs: Sequence[np.ndarray]) -> Outputs:
    """The output of a one-output graph, the tuple of all outputs of any other."""
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def concatenate_outputs(chunks: Sequence[Outputs]) -> Outputs:
    """The outputs of consecutive batch chunks joined along the batch axis, output by
    output."""
    if isinstance(chunks[0], tuple):
        return tuple(np.concatenate(parts) for parts in zip(*chunks))
    return np.concatenate(chunks)


def outputs_to_torch(outputs: Outputs, device: Union[str, torch.device]) -> TensorOutputs:
    """A session's outputs as tensors on ``device``, in the same structure."""
    if isinstance(outputs, tuple):
        return tuple(torch.from_numpy(out).to(device) for out in outputs)
    return torch.from_numpy(outputs).to(device)


def fastest_backend() -> str:
    """The fastest backend installed, as measured (docs/benchmarks.md): OpenVINO, then
    onnxruntime, then the deploy form in PyTorch."""
    for runtime, module in (('openvino', 'openvino'), ('onnxruntime', 'onnxruntime')):
        if importlib.util.find_spec(module) is not None:
            return runtime
    return 'deploy'


def resolve_backend(backend: str, device: str = 'cpu') -> str:
    """The backend that runs for ``backend`` on ``device``: 'auto' is the fastest installed on
    a CPU (:func:`fastest_backend`; PyTorch is the slowest there) and 'pytorch' on CUDA (the
    runtimes run on the CPU); any other backend is itself.

    Raises:
        ValueError: an unknown backend.
    """
    if check_backend(backend) != 'auto':
        return backend
    return 'pytorch' if str(device).startswith('cuda') else fastest_backend()


def check_backend(backend: str) -> str:
    """``backend`` if it is one of :data:`BACKENDS`, else a ValueError naming the choices."""
    if backend not in BACKENDS:
        raise ValueError(f'unknown backend {backend!r}; choose from {", ".join(BACKENDS)}')
    return backend


def onnxruntime_session(path: str, threads: int = 0, spinning: bool = False,
                        streams: int = 1) -> Session:
    """``x -> outputs`` of the ONNX file ``path`` in onnxruntime's CPU provider: all graph
    optimisations (constant folding, conv/activation fusion, NCHWc layouts on x86),
    ``threads`` intra-op threads (0: one per core), sequential execution (the graph is a
    chain: inter-op threads would only compete with the intra-op ones).

    ``spinning`` lets idle worker threads busy-wait for the next call: a little faster alone,
    but they then steal the cores from other work in the same process (such as a PyTorch model
    timed in turns with this session). With ``streams`` > 1, a batch is split in order over
    that many sessions that run at once, sharing the threads (see :func:`split_over`).
    """
    import onnxruntime as ort

    def session(threads: int):
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry('session.intra_op.allow_spinning',
                                         '1' if spinning else '0')
        created = ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])
        name = created.get_inputs()[0].name
        return lambda x: _one_or_all(created.run(None, {name: x}))

    if streams <= 1:
        return session(threads)
    per_stream = max(1, (threads or os.cpu_count() or 1) // streams)
    return split_over([session(per_stream) for _ in range(streams)])


def split_over(runs: Sequence[Session]) -> Session:
    """A session that splits a batch, in order, into one contiguous chunk per session of
    ``runs``, runs them at once on threads (onnxruntime releases the GIL), and concatenates the
    outputs (each output of a multi-output graph) in the same order; a batch of one runs on the
    first alone."""
    pool = ThreadPoolExecutor(len(runs))

    def run(x: np.ndarray) -> Outputs:
        if len(x) == 1:
            return runs[0](x)
        chunks = np.array_split(x, min(len(runs), len(x)))
        return concatenate_outputs(list(pool.map(lambda job: job[0](job[1]),
                                                 zip(runs, chunks))))

    return run


@functools.lru_cache(maxsize=None)
def openvino_core():
    """The process's one ``openvino.Core``, shared by every OpenVINO session and kept until the
    interpreter exits.

    One, because each Core has its own CPU plugin, and the plugin gives the thread that compiles
    on it a signal stack of its own (``sigaltstack``, for AMX state); when the plugin goes, it
    restores the stack that was current before it only if its own still is, and unmaps its own
    (``SigAltStackSetup`` in src/plugins/intel_cpu/src/plugin.cpp of openvinotoolkit/openvino,
    PR #11894). Two Cores that go in the order they came leave the thread on the first one's
    unmapped stack, and the next Python signal handler, which runs there (SIGCHLD with a
    DataLoader's handler installed, SIGINT), kills the process with SIGSEGV.
    """
    import openvino as ov
    return ov.Core()


def openvino_session(path: str, threads: int = 0, spinning: bool = False,
                     streams: int = 1) -> Session:
    """``x -> outputs`` of the model ``path`` (ONNX or OpenVINO IR) in OpenVINO's CPU plugin,
    in float32, with ``threads`` inference threads (0 = OpenVINO's default).

    A batch of one is compiled for the latency of one request. With ``streams`` > 1, a larger
    batch is split in order into that many contiguous chunks, run as asynchronous requests on
    as many CPU streams (OpenVINO's throughput mode) and concatenated in order. The graph is
    compiled once per input shape (a static shape lets the plugin pick its kernels and memory
    plan once). ``spinning`` is onnxruntime's setting; OpenVINO has none (its CPU plugin
    schedules with TBB).
    """
    core = openvino_core()
    model = core.read_model(path)
    num_outputs = len(model.outputs)
    # f32 explicitly: on CPUs with bfloat16 support the plugin otherwise computes in bfloat16
    # (differences of 1e-3 relative), which a backend meant to equal PyTorch must not do.
    latency = {'PERFORMANCE_HINT': 'LATENCY', 'INFERENCE_PRECISION_HINT': 'f32'}
    if threads:
        latency['INFERENCE_NUM_THREADS'] = threads
    throughput = dict(latency, PERFORMANCE_HINT='THROUGHPUT', NUM_STREAMS=streams)
    compiled: Dict[tuple, object] = {}

    def compiled_for(key: tuple, config: dict):
        """The model compiled for input shape ``key`` (its last four entries)."""
        if key not in compiled:
            shaped = model.clone()
            shaped.reshape({shaped.input(0).get_any_name(): list(key[-4:])})
            compiled[key] = core.compile_model(shaped, 'CPU', config)
        return compiled[key]

    requests: Dict[Tuple[int, ...], object] = {}
    stream_requests: Dict[Tuple[int, ...], list] = {}

    def outputs_of(request) -> Outputs:
        """Copies of a finished request's outputs (its tensors are reused by the next call)."""
        return _one_or_all([request.get_output_tensor(index).data.copy()
                            for index in range(num_outputs)])

    def request_for(shape: Tuple[int, ...]):
        if shape not in requests:
            requests[shape] = compiled_for(shape, latency).create_infer_request()
        return requests[shape]

    def stream_requests_for(shape: Tuple[int, ...]) -> list:
        """``streams`` requests of the throughput-mode model for chunks of ``shape``. Plain
        requests waited on in turn, not an ``AsyncInferQueue``: a queue's Python callback
        runs on OpenVINO's threads, and deleting a queue while its threads still hold or wait
        for the GIL hung the process (seen on busy cores)."""
        if shape not in stream_requests:
            model_for_streams = compiled_for(('streams', ) + shape, throughput)
            stream_requests[shape] = [model_for_streams.create_infer_request()
                                      for _ in range(streams)]
        return stream_requests[shape]

    def run(x: np.ndarray) -> Outputs:
        if streams <= 1 or len(x) == 1:
            request = request_for(x.shape)
            request.infer({0: x})
            return outputs_of(request)
        started, used = [], collections.Counter()
        for chunk in np.array_split(x, min(streams, len(x))):
            request = stream_requests_for(chunk.shape)[used[chunk.shape]]
            used[chunk.shape] += 1
            request.start_async({0: chunk})  # copies the chunk in, runs on a free stream
            started.append(request)
        for request in started:
            request.wait()
        return concatenate_outputs([outputs_of(request) for request in started])

    return run


SESSIONS = dict(onnxruntime=onnxruntime_session, openvino=openvino_session)


def runtime_session(path: str, runtime: str, threads: int = 0, spinning: bool = False,
                    streams: int = 1) -> Session:
    """A session of ``runtime`` (one of :data:`RUNTIMES`) on the model file ``path``; with
    ``streams`` > 1, batches are split in order over that many concurrent streams."""
    if runtime not in SESSIONS:
        raise ValueError(f'unknown runtime {runtime!r}; choose from {", ".join(RUNTIMES)}')
    return SESSIONS[runtime](path, threads=threads, spinning=spinning, streams=streams)


def export_for_runtime(model: nn.Module, runtime: str, size: Tuple[int, int], path: str,
                       dynamic_batch: bool = True) -> None:
    """Export ``model``'s tensor-mode forward (pose heatmaps, and a multi-task model's mask
    logits beside them; segmentation logits) for inputs of ``size`` = (H, W) to ``path``, in
    the graph form ``runtime`` runs fastest, its outputs named by
    :attr:`TensorForward.output_names`."""
    forward = TensorForward(copy.deepcopy(model).cpu().eval())
    export_onnx(forward, size, path, dynamic_batch=dynamic_batch, form=GRAPH_FORMS[runtime],
                output_names=forward.output_names)


class RuntimeForward:
    """A model's tensor-mode forward computed by an inference runtime from its exported graph.

    The graph is exported once per input size (H, W), on first use, with a dynamic batch axis
    (:func:`export_for_runtime`); a segmentor that sees images of several sizes gets one graph
    each. Inputs and outputs are torch tensors on the input's device; the runtime computes on
    the CPU. The output is what the model's tensor forward returns: one tensor, or the tuple of
    a multi-task pose model's heatmaps and mask logits.

    Args:
        model: the PyTorch model (copied: later changes to it are not seen).
        runtime: one of :data:`RUNTIMES`.
        threads: the runtime's threads (0: its default).
        streams: a batch (the people of a frame) is split in order over this many concurrent
            streams (0: two per CPU core, the fastest measured at batch 32 on 2 cores,
            docs/benchmarks.md; a batch of one is always one request, for latency).
        workdir: where the ONNX files go (default: a new temporary directory, removed when
            this object is collected or the interpreter exits; a given one is left as it is).
    """

    def __init__(self, model: nn.Module, runtime: str, threads: int = 0, streams: int = 0,
                 workdir: Optional[str] = None) -> None:
        if runtime not in SESSIONS:
            raise ValueError(f'unknown runtime {runtime!r}; choose from {", ".join(RUNTIMES)}')
        self.model = copy.deepcopy(model).cpu().eval()
        self.runtime = runtime
        self.threads = threads
        self.streams = streams or 2 * (os.cpu_count() or 1)
        self.workdir = workdir or tempfile.mkdtemp(prefix=f'litehrnet_{runtime}_')
        if workdir is None:  # the sessions hold their graphs in memory: the files can go
            weakref.finalize(self, shutil.rmtree, self.workdir, ignore_errors=True)
        self._sessions: Dict[Tuple[int, int], Session] = {}

    def _session(self, size: Tuple[int, int]) -> Session:
        if size not in self._sessions:
            path = os.path.join(self.workdir, f'model_{size[0]}x{size[1]}.onnx')
            export_for_runtime(self.model, self.runtime, size, path)
            self._sessions[size] = runtime_session(path, self.runtime, self.threads,
                                                   streams=self.streams)
        return self._sessions[size]

    def __call__(self, x: Tensor) -> TensorOutputs:
        """(N, 3, H, W) -> the model's ``mode='tensor'`` output for it."""
        session = self._session((int(x.shape[-2]), int(x.shape[-1])))
        out = session(np.ascontiguousarray(x.detach().float().cpu().numpy()))
        return outputs_to_torch(out, x.device)


def apply_backend(model: nn.Module, backend: str, threads: int = 0,
                  streams: int = 0) -> nn.Module:
    """``model`` (a pose estimator or a segmentor in eval mode) computing with ``backend``:
    unchanged for 'pytorch', converted in place to its deploy form for 'deploy' (it can no
    longer train), or with a :class:`RuntimeForward` (``threads``, ``streams``) as its
    ``runtime`` for a runtime.

    Raises:
        ValueError: an unknown backend, or a runtime for a model without a ``runtime``
            attribute.
    """
    backend = resolve_backend(backend)
    if backend == 'deploy':
        return switch_to_deploy(model, form=GRAPH_FORMS['deploy'])
    if backend in RUNTIMES:
        if not hasattr(model, 'runtime'):
            raise ValueError(f'{type(model).__name__} takes no runtime (it has no `runtime` '
                             'attribute that its tensor forward consults)')
        model.runtime = RuntimeForward(model, backend, threads, streams)
    return model


def _as_tuple(outputs) -> tuple:
    return tuple(outputs) if isinstance(outputs, (tuple, list)) else (outputs, )


@torch.no_grad()
def onnx_max_abs_diff(path: str, reference: Callable[[Tensor], TensorOutputs],
                      inputs: Sequence[Tensor]) -> Dict[str, float]:
    """The largest absolute difference between onnxruntime on ``path`` and ``reference`` over
    all ``inputs`` (e.g. several batch sizes, to check a dynamic batch axis), for each output
    of the graph, by its name (in the graph's order).

    Raises:
        ValueError: the graph and ``reference`` differ in their number of outputs or in the
            shape of one.
    """
    import onnx
    names = [output.name for output in onnx.load(path).graph.output]
    run = onnxruntime_session(path)
    worst = dict.fromkeys(names, 0.0)
    for x in inputs:
        expected = [out.detach().cpu().numpy() for out in _as_tuple(reference(x))]
        got = _as_tuple(run(np.ascontiguousarray(x.detach().cpu().numpy())))
        if len(expected) != len(names):
            raise ValueError(f'{path} has {len(names)} output(s), PyTorch gives {len(expected)}')
        for name, ours, theirs in zip(names, got, expected):
            if ours.shape != theirs.shape:
                raise ValueError(f'{path}: onnxruntime output {name!r} of shape {ours.shape} != '
                                 f'PyTorch {theirs.shape}')
            worst[name] = max(worst[name], float(np.abs(ours - theirs).max()))
    return worst
