"""DeterministicWarnOnlyHook: with randomness.deterministic=True, an op without a deterministic
implementation warns instead of stopping the run, and the log says so.

On CUDA these are e.g. the backward of adaptive average pooling and bilinear resizing; on CPU
``Tensor.put_`` (accumulate=False) stands in for them: torch flags it on every device."""
import os
import re
import warnings

import pytest
import torch
from mmengine.model import BaseModel

from engine.hooks.deterministic_warn_only_hook import CUBLAS_WORKSPACE

# torch's error (strict mode) and warning (warn-only mode) for the op
NO_DETERMINISTIC_KERNEL = re.compile(r'\bput_\b.*\bdeterministic implementation')


class PutModel(BaseModel):
    """A one-parameter model whose forward calls an op without a deterministic kernel."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(2))

    def forward(self, x, data_samples=None, mode='loss'):
        index = torch.zeros(1, dtype=torch.long)
        scratch = torch.zeros(2).put_(index, torch.ones(1))
        return dict(loss=(torch.stack(x) * self.weight).mean() + scratch.sum() * 0)


@pytest.fixture(autouse=True)
def restore_global_modes(monkeypatch):
    """The Runner switches process-wide modes (deterministic algorithms, cuDNN) on."""
    monkeypatch.delenv('CUBLAS_WORKSPACE_CONFIG', raising=False)
    cudnn = torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark
    yield
    torch.use_deterministic_algorithms(False)
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = cudnn


def deterministic_runner(toy_runner, hooks):
    return toy_runner(model=PutModel(), custom_hooks=hooks,
                      randomness=dict(seed=3, deterministic=True),
                      train_cfg=dict(by_epoch=False, max_iters=2))


def test_without_the_hook_deterministic_training_stops_at_the_op(toy_runner):
    """The failure the hook prevents (on CUDA: mmseg's and Lite-HRNet's ops)."""
    with pytest.raises(RuntimeError, match=NO_DETERMINISTIC_KERNEL):
        deterministic_runner(toy_runner, []).train()


def test_with_the_hook_it_warns_trains_and_logs(toy_runner, tmp_path):
    runner = deterministic_runner(toy_runner, [dict(type='DeterministicWarnOnlyHook')])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        runner.train()
    assert runner.iter == 2
    assert any(NO_DETERMINISTIC_KERNEL.search(str(warning.message)) for warning in caught)
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.is_deterministic_algorithms_warn_only_enabled()
    assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
    assert os.environ['CUBLAS_WORKSPACE_CONFIG'] == CUBLAS_WORKSPACE
    log = next((tmp_path / 'work').glob('*/*.log')).read_text()
    assert 'warn-only mode' in log
    assert f'CUBLAS_WORKSPACE_CONFIG={CUBLAS_WORKSPACE}' in log


def test_without_deterministic_it_changes_nothing(toy_runner):
    runner = toy_runner(model=PutModel(), custom_hooks=[dict(type='DeterministicWarnOnlyHook')],
                        train_cfg=dict(by_epoch=False, max_iters=1))
    runner.train()
    assert not torch.are_deterministic_algorithms_enabled()
    assert 'CUBLAS_WORKSPACE_CONFIG' not in os.environ
