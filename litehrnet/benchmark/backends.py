"""The inference backends the benchmark compares, each as a ready-to-time call."""
import copy
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Callable, Tuple

import torch
from torch import Tensor, nn

from ..deploy import export_onnx, fuse_model, ort_forward, ort_session, prepare_for_export
from ..deploy.model_from_config import TensorForward
from ..reference_forward import reference_model

BACKENDS = ('eager', 'fused', 'compile', 'onnxruntime')


@dataclass
class Candidate:
    """``run()`` does one timed inference on a fixed batch; ``output()`` returns its result as a
    CPU tensor (for the parity line); ``note`` tells how it was set up."""
    run: Callable[[], object]
    output: Callable[[], Tensor]
    note: str = ''


def _torch_candidate(module: nn.Module, x: Tensor, note: str = '') -> Candidate:
    def run() -> Tensor:
        with torch.inference_mode():
            return module(x)

    return Candidate(run, lambda: run().float().cpu(), note)


def reference_candidate(model: nn.Module, x: Tensor) -> Candidate:
    """The original implementation (:func:`reference_forward`) with the same weights and head."""
    return _torch_candidate(TensorForward(reference_model(model)).eval(), x,
                            'original module order, no folding')


def _fused(model: nn.Module, x: Tensor, channels_last: bool,
           shuffle_free: bool) -> Tuple[nn.Module, Tensor]:
    fused = TensorForward(fuse_model(copy.deepcopy(model), channels_last=channels_last,
                                     shuffle_free=shuffle_free))
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    return fused, x


def _compiled(model: nn.Module, x: Tensor, channels_last: bool, shuffle_free: bool) -> Candidate:
    fused, x = _fused(model, x, channels_last, shuffle_free)
    compiled = torch.compile(fused, dynamic=False)
    start = time.perf_counter()
    with torch.inference_mode():
        compiled(x)
    return _torch_candidate(compiled, x,
                            f'torch.compile of the fused model, compiled in '
                            f'{time.perf_counter() - start:.0f} s')


def _onnxruntime(model: nn.Module, x: Tensor, threads: int, device: str,
                 shuffle_free: bool) -> Candidate:
    shape = tuple(x.shape[-2:])
    exported = TensorForward(prepare_for_export(model, shape, shuffle_free).cpu())
    path = os.path.join(tempfile.mkdtemp(prefix='litehrnet_bench_'), 'model.onnx')
    export_onnx(exported, shape, path, dynamic_batch=True)
    # No spinning: idle onnxruntime threads would busy-wait through the reference's turns.
    session = ort_session(path, threads=threads, device=device, spinning=False)
    forward = ort_forward(session)
    x_cpu = x.cpu()
    note = (f'{session.get_providers()[0]}, {threads or "default"} intra-op threads, '
            f'no spinning, {path}')
    return Candidate(lambda: forward(x_cpu), lambda: torch.from_numpy(forward(x_cpu)), note)


def candidate(backend: str, model: nn.Module, x: Tensor, threads: int = 0,
              channels_last: bool = False, shuffle_free: bool = False) -> Candidate:
    """The ``backend`` version of ``model`` (a pose or segmentation model in eval mode) on the
    batch ``x``; ``model`` itself is left unchanged. ``channels_last`` (fused, compile) and
    ``shuffle_free`` (fused, compile, onnxruntime) are passed to :func:`fuse_model`."""
    if backend == 'eager':
        return _torch_candidate(TensorForward(model), x, 'our modules, as trained')
    if backend == 'fused':
        fused, x = _fused(model, x, channels_last, shuffle_free)
        return _torch_candidate(fused, x, 'BatchNorm folded' +
                                (', channels_last' if channels_last else '') +
                                (', shuffle-free' if shuffle_free else ''))
    if backend == 'compile':
        return _compiled(model, x, channels_last, shuffle_free)
    if backend == 'onnxruntime':
        return _onnxruntime(model, x, threads, str(x.device), shuffle_free)
    raise ValueError(f'unknown backend {backend!r}; choose from {BACKENDS}')
