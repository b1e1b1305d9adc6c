"""AugmentationSeedHook: a run resumed from a checkpoint draws the augmentations of the
uninterrupted run, in iteration-based loops (where mmengine re-reads the skipped batches) and
epoch-based ones."""
import pytest
import torch

from engine import checkpoint_trust
from engine.hooks.augmentation_seed_hook import augmentation_seed

LOOPS = {
    'iterations': dict(train_cfg=dict(by_epoch=False, max_iters=6), checkpoint='iter_2.pth'),
    'epochs': dict(train_cfg=dict(by_epoch=True, max_epochs=3), checkpoint='epoch_1.pth',
                   sampler=dict(type='DefaultSampler', shuffle=True),
                   checkpoint_hook=dict(type='CheckpointHook', interval=1)),
}


def _runs(toy_runner, tmp_path, loop: str, hooks: list):
    """The batches of an uninterrupted run, and of a run resumed from its first checkpoint."""
    spec = LOOPS[loop]
    extra = {}
    if 'sampler' in spec:
        extra['train_dataloader'] = dict(dataset=toy_runner().train_dataloader.dataset,
                                         batch_size=2, sampler=spec['sampler'])
        extra['default_hooks'] = dict(checkpoint=spec['checkpoint_hook'])
    whole = toy_runner(custom_hooks=hooks, train_cfg=spec['train_cfg'], **extra)
    whole.train()
    resumed = toy_runner(custom_hooks=hooks, train_cfg=spec['train_cfg'],
                         work_dir=str(tmp_path / 'resumed'), resume=True,
                         load_from=str(tmp_path / 'work' / spec['checkpoint']), **extra)
    with checkpoint_trust(trust=False):
        resumed.train()
    return whole.model.batches, resumed.model.batches


@pytest.mark.parametrize('loop', sorted(LOOPS))
def test_resumed_run_draws_the_uninterrupted_augmentations(toy_runner, tmp_path, loop):
    whole, resumed = _runs(toy_runner, tmp_path, loop, [dict(type='AugmentationSeedHook')])
    assert 0 < len(resumed) < len(whole)
    for expected, actual in zip(whole[-len(resumed):], resumed):
        assert torch.equal(expected, actual)


def test_without_the_hook_a_resumed_run_draws_other_augmentations(toy_runner, tmp_path):
    """The problem the hook solves: a resumed epoch-based run restarts numpy's generator from
    the seed, where the uninterrupted one had drawn a whole epoch from it."""
    whole, resumed = _runs(toy_runner, tmp_path, 'epochs', [])
    first = len(whole) - len(resumed)
    assert torch.equal(whole[first][:, 0], resumed[0][:, 0])  # the same samples ...
    assert not torch.equal(whole[first][:, 1], resumed[0][:, 1])  # ... augmented differently


def test_seeds_differ_between_ranks_and_iterations():
    seeds = {augmentation_seed(0, rank, iteration) for rank in range(4) for iteration in range(50)}
    assert len(seeds) == 200
    assert augmentation_seed(0, 1, 7) == augmentation_seed(0, 1, 7)
