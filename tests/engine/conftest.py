"""A toy mmengine run for the hook tests: a one-parameter model trained on samples whose
"augmentation" is a number drawn from numpy's global generator, as random transforms draw."""
import uuid
from typing import Callable, List, Optional

import numpy as np
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import Dataset

import engine  # noqa: F401  registers the hooks


class AugmentedSamples(Dataset):
    """8 samples; each load draws its augmentation from numpy's global generator."""

    def __len__(self) -> int:
        return 8

    def __getitem__(self, index: int) -> dict:
        return dict(x=torch.tensor([float(index), np.random.rand()]))


class ToyModel(BaseModel):
    """Loss = mean of w * x; records every batch it sees; the loss is NaN from iteration
    ``nan_from`` (1-based) on; from iteration ``nan_grad_from`` on, the loss stays finite but
    its gradient is NaN."""

    def __init__(self, nan_from: Optional[int] = None,
                 nan_grad_from: Optional[int] = None) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(2))
        self.nan_from = nan_from
        self.nan_grad_from = nan_grad_from
        self.batches: List[torch.Tensor] = []

    def forward(self, x, data_samples=None, mode='loss'):
        batch = torch.stack(x)
        self.batches.append(batch)
        loss = (batch * self.weight).mean()
        if self.nan_from is not None and len(self.batches) >= self.nan_from:
            loss = loss * float('nan')
        if self.nan_grad_from is not None and len(self.batches) >= self.nan_grad_from:
            # Adds 0 to the loss; its gradient is sqrt'(0) * 0 = inf * 0 = NaN.
            loss = loss + torch.sqrt(self.weight - self.weight).sum()
        return dict(loss=loss)


@pytest.fixture
def toy_runner(tmp_path) -> Callable[..., Runner]:
    """``toy_runner(nan_from=None, nan_grad_from=None, **overrides)``: an iteration-based
    Runner of a ToyModel on AugmentedSamples (batches of 2, SGD, a checkpoint every 2
    iterations), in ``tmp_path / 'work'``; ``overrides`` replace Runner arguments."""
    def build(nan_from: Optional[int] = None, nan_grad_from: Optional[int] = None,
              **overrides) -> Runner:
        cfg = dict(
            model=ToyModel(nan_from, nan_grad_from),
            work_dir=str(tmp_path / 'work'),
            train_dataloader=dict(dataset=AugmentedSamples(), batch_size=2, num_workers=0,
                                  sampler=dict(type='InfiniteSampler', shuffle=True)),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
            train_cfg=dict(by_epoch=False, max_iters=6),
            default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2,
                                               by_epoch=False),
                               logger=dict(type='LoggerHook', interval=1)),
            randomness=dict(seed=3),
            # A unique name: mmengine keeps loggers and visualizers per experiment name.
            experiment_name=f'toy_{uuid.uuid4().hex}',
        )
        cfg.update(overrides)
        return Runner(**cfg)
    return build
