"""The mask loss: BCE + dice under per-pixel weights; samples without masks weigh nothing."""
import pytest
import torch

from pose.models import MaskBCEDiceLoss


def _batch(seed=0):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(3, 1, 8, 6, generator=generator, requires_grad=True)
    target = (torch.rand(3, 1, 8, 6, generator=generator) > 0.5).float()
    return logits, target, torch.ones(3, 1, 8, 6)


def test_terms_match_their_definitions():
    logits, target, weights = _batch()
    bce, dice = MaskBCEDiceLoss(bce_weight=2.0, dice_weight=0.5, smooth=1.0)(logits, target,
                                                                              weights)
    probs = logits.sigmoid()
    expected_bce = -(target * probs.log() + (1 - target) * (1 - probs).log()).mean()
    overlap = (probs * target).flatten(1).sum(1)
    total = probs.flatten(1).sum(1) + target.flatten(1).sum(1)
    expected_dice = (1 - (2 * overlap + 1) / (total + 1)).mean()
    torch.testing.assert_close(bce, 2.0 * expected_bce)
    torch.testing.assert_close(dice, 0.5 * expected_dice)


def test_a_sample_without_mask_changes_nothing_and_gets_no_gradient():
    logits, target, weights = _batch()
    loss = MaskBCEDiceLoss()
    alone = loss(logits[:2], target[:2], weights[:2])
    weights[2] = 0  # the third sample has no mask
    bce, dice = loss(logits, target, weights)
    torch.testing.assert_close(bce, alone[0])
    torch.testing.assert_close(dice, alone[1])
    (bce + dice).backward()
    assert logits.grad[2].abs().max() == 0 and logits.grad[:2].abs().max() > 0


def test_ignored_pixels_do_not_count():
    logits, target, weights = _batch()
    weights[:, :, :4] = 0  # a crowd region over the top half
    loss = MaskBCEDiceLoss()
    before = loss(logits, target, weights)
    changed = logits.detach().clone()
    changed[:, :, :4] = 50.  # any prediction there
    after = loss(changed, target, weights)
    torch.testing.assert_close(before[0], after[0])
    torch.testing.assert_close(before[1], after[1])


def test_a_batch_without_masks_gives_zero_losses_that_still_backpropagate():
    logits, target, _ = _batch()
    bce, dice = MaskBCEDiceLoss()(logits, target, torch.zeros_like(target))
    assert bce.item() == 0 and dice.item() == 0
    (bce + dice).backward()
    assert logits.grad is not None and logits.grad.abs().max() == 0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='smooth > 0'):
        MaskBCEDiceLoss(smooth=0)
    logits, target, weights = _batch()
    with pytest.raises(ValueError, match='differ in shape'):
        MaskBCEDiceLoss()(logits, target[:, :, :4], weights)
