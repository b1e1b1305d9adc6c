"""The inference backends the benchmark compares, each as a ready-to-time call: the runtime
layer's backends (:data:`engine.BACKENDS`), ``torch.compile`` of the deploy form, and the
original implementation as the baseline. A model's output is what its tensor forward gives:
one tensor, or a tuple (a multi-task pose model's heatmaps and mask logits)."""
import copy
import os
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple, Union

import torch
from torch import Tensor, nn

from litehrnet.reference import reference_model

from ..model_builder import TensorForward
from ..runtimes import (BACKENDS as RUNTIME_BACKENDS, GRAPH_FORMS, RUNTIMES, TensorOutputs,
                        apply_backend, export_for_runtime, outputs_to_torch, runtime_session)

BACKENDS = tuple(b for b in RUNTIME_BACKENDS if b != 'auto') + ('compile',)


@dataclass
class Candidate:
    """``run()`` does one timed inference on a fixed batch; ``output()`` returns its result as
    CPU float tensors (one, or a tuple; for the parity line); ``note`` tells how it was set
    up."""
    run: Callable[[], object]
    output: Callable[[], TensorOutputs]
    note: str = ''


def _cpu_float(outputs: TensorOutputs) -> TensorOutputs:
    if isinstance(outputs, (tuple, list)):
        return tuple(out.float().cpu() for out in outputs)
    return outputs.float().cpu()


def _tensors(outputs) -> List[Tensor]:
    """The tensors of an output, nested tuples (a :func:`chained` candidate's) flattened."""
    if isinstance(outputs, (tuple, list)):
        return [tensor for out in outputs for tensor in _tensors(out)]
    return [outputs]


def max_abs_difference(a, b) -> float:
    """The largest absolute difference between two outputs of the same structure, over all
    their tensors."""
    a, b = _tensors(a), _tensors(b)
    if len(a) != len(b):
        raise ValueError(f'outputs of {len(a)} and {len(b)} tensors cannot be compared')
    return max(float((x - y).abs().max()) for x, y in zip(a, b))


def _torch_candidate(module: nn.Module, x: Tensor, note: str = '') -> Candidate:
    def run() -> Union[Tensor, tuple]:
        with torch.inference_mode():
            return module(x)

    return Candidate(run, lambda: _cpu_float(run()), note)


def reference_candidate(model: nn.Module, x: Tensor) -> Candidate:
    """The original implementation (:func:`reference_forward`) with the same weights and head."""
    return _torch_candidate(TensorForward(reference_model(model)).eval(), x,
                            'original module order, no folding')


def _deployed(model: nn.Module, x: Tensor, channels_last: bool) -> Tuple[nn.Module, Tensor]:
    deployed = apply_backend(copy.deepcopy(model), 'deploy')
    if channels_last:
        deployed.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    return TensorForward(deployed), x


def _compiled(model: nn.Module, x: Tensor, channels_last: bool) -> Candidate:
    deployed, x = _deployed(model, x, channels_last)
    compiled = torch.compile(deployed, dynamic=False)
    start = time.perf_counter()
    with torch.inference_mode():
        compiled(x)
    return _torch_candidate(compiled, x,
                            f'torch.compile of the deploy-mode model, compiled in '
                            f'{time.perf_counter() - start:.0f} s')


def _runtime(model: nn.Module, x: Tensor, runtime: str, threads: int, streams: int,
             workdir: str) -> Candidate:
    path = os.path.join(workdir, f'{runtime}.onnx')
    export_for_runtime(model, runtime, tuple(x.shape[-2:]), path)
    # No spinning: idle onnxruntime threads would busy-wait through the reference's turns.
    run = runtime_session(path, runtime, threads=threads, spinning=False, streams=streams)
    x_cpu = x.cpu().numpy()
    form = 'shuffle-free Lite stages' if GRAPH_FORMS[runtime].shuffle_free else \
        'split and shuffle'
    note = f'{form}, {threads or "default"} threads, {streams} stream(s), no spinning'
    return Candidate(lambda: run(x_cpu), lambda: outputs_to_torch(run(x_cpu), 'cpu'), note)


def chained(first: Candidate, second: Candidate, note: str = '') -> Candidate:
    """One candidate running ``first`` then ``second`` (two models on the same batch, e.g. a
    pose model and a separate segmentor); its output is the pair of theirs."""
    def run() -> tuple:
        return first.run(), second.run()

    return Candidate(run, lambda: (first.output(), second.output()), note)


def candidate(backend: str, model: nn.Module, x: Tensor, threads: int = 0,
              channels_last: bool = False, streams: int = 1,
              workdir: Optional[str] = None) -> Candidate:
    """The ``backend`` version of ``model`` (a pose or segmentation model in eval mode) on the
    batch ``x``; ``model`` itself is left unchanged. ``channels_last`` (deploy, compile) stores
    weights and inputs channels-last; a runtime splits the batch over ``streams`` and exports
    its ONNX file into ``workdir`` (which the caller removes; required for a runtime)."""
    if backend == 'pytorch':
        return _torch_candidate(TensorForward(model), x, 'our modules, as trained')
    if backend == 'deploy':
        deployed, x = _deployed(model, x, channels_last)
        return _torch_candidate(deployed, x, 'BatchNorm folded, deploy mode' +
                                (', channels_last' if channels_last else ''))
    if backend == 'compile':
        return _compiled(model, x, channels_last)
    if backend in RUNTIMES:
        if workdir is None:
            raise ValueError(f'the {backend} candidate needs a workdir for its ONNX file')
        return _runtime(model, x, backend, threads, streams, workdir)
    raise ValueError(f'unknown backend {backend!r}; choose from {", ".join(BACKENDS)}')
