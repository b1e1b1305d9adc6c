"""The assumptions engine/dependency_patches.py makes about mmengine and torch: a release that
changes one fails here, not in a training run."""
import inspect

import mmengine
import torch
from mmengine.dist import utils as dist_utils
from mmengine.runner import IterBasedTrainLoop, Runner

from engine import dependency_patches


def test_mmengine_is_the_version_the_patches_target():
    assert mmengine.__version__ == dependency_patches.MMENGINE_VERSION


def test_every_checkpoint_save_goes_through_runner_save_checkpoint():
    parameters = list(inspect.signature(Runner.save_checkpoint).parameters)
    assert parameters == ['self', 'out_dir', 'filename', 'file_client_args', 'save_optimizer',
                          'save_param_scheduler', 'meta', 'by_epoch', 'backend_args']
    hook_source = inspect.getsource(mmengine.hooks.CheckpointHook)
    assert 'runner.save_checkpoint(' in hook_source


def test_the_iteration_loop_reads_every_batch_from_its_iterator():
    source = inspect.getsource(IterBasedTrainLoop.run)
    assert source.count('next(self.dataloader_iterator)') == 2  # resume replay, training


def test_init_dist_selects_a_cuda_device_through_torch_cuda_set_device():
    assert 'torch.cuda.set_device(' in inspect.getsource(dist_utils._init_dist_pytorch)
    original = torch.cuda.set_device
    with dependency_patches.cuda_device_selection_skipped():
        torch.cuda.set_device(7)  # no device 7 here: skipped
    assert torch.cuda.set_device is original
