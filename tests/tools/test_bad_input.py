"""Bad input stops tools/train.py with an error that names the culprit, before it can waste a
run: missing data, a corrupt image in the middle of an epoch (or, opted in, skipped and
counted, for pose and segmentation), a truncated segmentation label map, a misspelt
--cfg-options key, --amp without CUDA."""
import re
import shutil

import pytest
import torch

NO_VALIDATION = ['val_cfg=None', 'val_dataloader=None', 'val_evaluator=None']


def lines_with(text, *facts):
    """The lines of ``text`` that hold every one of ``facts``."""
    return [line for line in text.splitlines() if all(fact in line for fact in facts)]


@pytest.mark.parametrize('config,override,path', [
    ('POSE_COCO', 'train_dataloader.dataset.data_root=/nonexistent/coco/',
     '/nonexistent/coco/test_coco.json'),
    ('SEG_ADE', 'train_dataloader.dataset.dataset.data_root=/nonexistent/ade',
     '/nonexistent/ade'),
])
def test_missing_data_is_named_before_training(tools, tmp_path, config, override, path):
    """(A missing annotation file takes the same path: see the dataset tests.)"""
    result = tools.train(getattr(tools, config), '--work-dir', str(tmp_path), '--cfg-options',
                         override)
    assert result.returncode != 0
    assert re.search(rf"FileNotFoundError: .*'{re.escape(path)}' does not exist", result.stdout)
    assert 'Epoch(train)' not in result.stdout and 'Iter(train)' not in result.stdout


@pytest.fixture
def corrupt_coco(tools, tmp_path):
    """A copy of the COCO sample whose last image (5 of the 12 people) is corrupt; with an
    unshuffled sampler and batches of 2, the 4th batch is the first to reach it."""
    root = tmp_path / 'coco'
    shutil.copytree(tools.root / 'data/samples/coco', root)
    corrupt = root / '000000197388.jpg'
    corrupt.write_bytes(b'\xff\xd8\xff\xe0 truncated by a failed copy')
    options = ['--cfg-options', f'train_dataloader.dataset.data_root={root}/',
               'train_dataloader.sampler.shuffle=False', 'train_dataloader.batch_size=2',
               'train_cfg.max_epochs=1', 'default_hooks.logger.interval=1', *NO_VALIDATION]
    return corrupt, options


def test_corrupt_image_mid_epoch_names_the_file(tools, tmp_path, corrupt_coco):
    corrupt, options = corrupt_coco
    result = tools.train(tools.POSE_COCO, '--work-dir', str(tmp_path / 'work'), *options)
    assert result.returncode != 0
    assert lines_with(result.stdout, f"Image file '{corrupt}'", 'could not be decoded')
    assert 'Epoch(train) [1][3/6]' in result.stdout  # it happened mid-epoch
    assert 'Epoch(train) [1][4/6]' not in result.stdout


def test_corrupt_images_are_skipped_and_counted_when_opted_in(tools, tmp_path, corrupt_coco):
    corrupt, options = corrupt_coco
    result = tools.train(tools.POSE_COCO, '--work-dir', str(tmp_path / 'work'), *options,
                         'train_dataloader.dataset.pipeline.0.skip_corrupt=True')
    assert result.returncode == 0, tools.tail(result)
    assert 'Epoch(train) [1][6/6]' in result.stdout
    warnings = len(lines_with(result.stdout, 'skipped a sample (', f"Image file '{corrupt}'",
                              'could not be decoded'))
    # Each of its 5 people is skipped at least once (a replacement may be corrupt too).
    assert warnings >= 5
    report = re.search(r'(\d+) training sample\(s\) were skipped\b.*', result.stdout)
    assert report and int(report.group(1)) == warnings and 'corrupt images' in report.group(0)


def test_corrupt_seg_images_are_skipped_and_counted_when_opted_in(tools, tmp_path):
    """The documented override for segmentation, whose datasets are wrapped (CheckedDataset);
    the 3 ADE20K images are shuffled per pass, so 2 batches of 2 reach the corrupt one."""
    root = tmp_path / 'ade'
    shutil.copytree(tools.root / 'data/samples/ade20k/ADEChallengeData2016', root)
    corrupt = next((root / 'images/validation').glob('*.jpg'))
    corrupt.write_bytes(b'\xff\xd8\xff\xe0 truncated by a failed copy')
    result = tools.train(tools.SEG_ADE, '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                         f'train_dataloader.dataset.dataset.data_root={root}',
                         'train_dataloader.dataset.dataset.pipeline.0.skip_corrupt=True',
                         'train_dataloader.batch_size=2', 'train_cfg.max_iters=2',
                         'default_hooks.logger.interval=1', *NO_VALIDATION)
    assert result.returncode == 0, tools.tail(result)
    assert 'Iter(train) [2/2]' in result.stdout
    warnings = len(lines_with(result.stdout, 'skipped a sample (', f"Image file '{corrupt}'",
                              'could not be decoded'))
    assert warnings >= 1
    report = re.search(r'(\d+) training sample\(s\) were skipped\b.*', result.stdout)
    assert report and int(report.group(1)) == warnings and 'corrupt images' in report.group(0)


def test_truncated_label_map_names_the_file(tools, tmp_path):
    root = tmp_path / 'ade'
    shutil.copytree(tools.root / 'data/samples/ade20k/ADEChallengeData2016', root)
    label = next((root / 'annotations/validation').glob('*.png'))
    label.write_bytes(label.read_bytes()[:2000])  # as an interrupted copy leaves it
    result = tools.train(tools.SEG_ADE, '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                         f'train_dataloader.dataset.dataset.data_root={root}',
                         'train_cfg.max_iters=2', *NO_VALIDATION)
    assert result.returncode != 0
    assert lines_with(result.stdout, f"Label map '{label}'", 'could not be decoded'), \
        tools.tail(result)


def test_misspelt_override_key_fails_before_anything_is_built(tools, tmp_path):
    work_dir = tmp_path / 'work'
    result = tools.train(tools.POSE_COCO, '--work-dir', str(work_dir), '--cfg-options',
                         'train_cfg.max_epoch=3')
    assert result.returncode != 0
    assert lines_with(result.stdout, '--cfg-options train_cfg.max_epoch: ',
                      "no key 'max_epoch'", "did you mean 'max_epochs'"), tools.tail(result)
    assert not work_dir.exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason='the refusal is for CPU-only machines')
def test_amp_is_refused_without_cuda(tools, tmp_path):
    work_dir = tmp_path / 'work'
    result = tools.train(tools.POSE_COCO, '--work-dir', str(work_dir), '--amp')
    assert result.returncode != 0
    assert '--amp needs a CUDA device' in result.stdout
    assert not work_dir.exists()
