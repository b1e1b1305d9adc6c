"""Segmentation in 2 processes (gloo on the CPU): a SyncBN config trains and validates, and a
distributed evaluation of an odd number of images sees each exactly once and gives the
single-process result; in one process the same SyncBN config falls back to BN."""
import json
import re
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# A metric that records which images it is given, evaluated next to the real one: its results
# go through the same collection across ranks as IoUMetric's.
pytestmark = pytest.mark.distributed

SEEN_SAMPLES_METRIC = '''
import json
from mmengine.evaluator import BaseMetric
from mmengine.registry import METRICS


@METRICS.register_module()
class SeenSamples(BaseMetric):
    def __init__(self, out_file, **kwargs):
        super().__init__(**kwargs)
        self.out_file = out_file

    def process(self, data_batch, data_samples):
        self.results.extend(sample['img_path'] for sample in data_samples)

    def compute_metrics(self, results):
        with open(self.out_file, 'w') as f:
            json.dump(results, f)
        return {}
'''
ADE_IMAGES = Path('data/samples/ade20k/ADEChallengeData2016/images/validation')


@pytest.fixture(scope='module')
def syncbn(tools, tmp_path_factory) -> dict:
    """The ADE20K sample demo (3 validation images) with SyncBN, as the real configs have,
    the SeenSamples metric in its test evaluator, and its PYTHONPATH."""
    folder = tmp_path_factory.mktemp('syncbn')
    (folder / 'seen_samples.py').write_text(SEEN_SAMPLES_METRIC)
    config = folder / 'ade20k_sample_syncbn.py'
    config.write_text(textwrap.dedent(f'''\
        _base_ = '{tools.root / tools.SEG_ADE}'
        custom_imports = dict(imports=['litehrnet', 'engine', 'seg', 'seen_samples'])
        norm_cfg = dict(type='SyncBN', requires_grad=True)
        model = dict(backbone=dict(norm_cfg=norm_cfg), decode_head=dict(norm_cfg=norm_cfg))
        test_evaluator = [
            dict(type='IoUMetric', iou_metrics=['mIoU']),
            dict(type='SeenSamples', out_file='seen.json'),  # set per run
        ]
        '''))
    return dict(config=str(config), env={'PYTHONPATH': str(folder)})


@pytest.fixture(scope='module')
def trained(tools, syncbn, tmp_path_factory):
    """2 iterations and a validation in 2 processes."""
    work_dir = tmp_path_factory.mktemp('seg_dist_train')
    result = tools.dist_train(
        syncbn['config'], 2, '--work-dir', str(work_dir), '--cfg-options',
        'train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'train_dataloader.batch_size=2',
        'default_hooks.logger.interval=1', env=syncbn['env'])
    assert result.returncode == 0, tools.tail(result)
    return result, work_dir


@pytest.fixture(scope='module')
def evaluations(tools, syncbn, trained, tmp_path_factory) -> dict:
    """tools/test.py and tools/dist_test.sh (2 processes) on the trained checkpoint, run at the
    same time; per run: the process, its work dir and the images SeenSamples was given."""
    checkpoint = str(trained[1] / 'iter_2.pth')
    runs = {}
    for name in ('single', 'double'):
        work_dir = tmp_path_factory.mktemp(f'seg_test_{name}')
        options = ['--work-dir', str(work_dir), '--cfg-options',
                   f'test_evaluator.1.out_file={work_dir / "seen.json"}']
        runs[name] = (work_dir, options)
    with ThreadPoolExecutor(2) as pool:
        single = pool.submit(tools.test, syncbn['config'], checkpoint, *runs['single'][1],
                             env=syncbn['env'])
        double = pool.submit(tools.dist_test, syncbn['config'], checkpoint, 2,
                             *runs['double'][1], env=syncbn['env'])
        results = dict(single=single.result(), double=double.result())
    for name, result in results.items():
        assert result.returncode == 0, tools.tail(result)
    return {name: (results[name], work_dir, json.loads((work_dir / 'seen.json').read_text()))
            for name, (work_dir, _) in runs.items()}


def test_two_process_syncbn_run_trains_and_validates(tools, trained):
    result, work_dir = trained
    assert "'nccl' replaced by 'gloo'" in result.stdout  # the backend
    assert re.search(r'\b[1-9]\d* SyncBN layers converted\b', result.stdout)
    scalars = tools.scalars(work_dir)
    # 2 iterations: 3 training images, in batches of 2 per rank
    assert [s['iter'] for s in scalars if 'loss' in s] == [1, 2]
    assert [s['mIoU'] >= 0 for s in scalars if 'mIoU' in s] == [True]
    assert (work_dir / 'iter_2.pth').is_file()


def test_distributed_evaluation_sees_each_image_once(tools, evaluations):
    _, single_dir, seen_single = evaluations['single']
    _, double_dir, seen_double = evaluations['double']
    images = sorted(p.name for p in (tools.root / ADE_IMAGES).glob('*.jpg'))
    assert len(images) % 2 == 1  # 2 ranks: one of them is given a padding duplicate
    assert sorted(Path(p).name for p in seen_double) == images
    assert sorted(seen_double) == sorted(seen_single)
    metrics_single, metrics_double = tools.test_metrics(single_dir), tools.test_metrics(double_dir)
    assert metrics_single['aAcc'] > 0
    for name in ('aAcc', 'mIoU', 'mAcc'):
        assert metrics_double[name] == metrics_single[name], name


def test_syncbn_config_falls_back_to_bn_in_one_process(evaluations):
    result = evaluations['single'][0]
    assert 'SyncBatchNorm (SyncBN)' in result.stdout  # mmengine's note
    assert 'reverted to BatchNormXd' in result.stdout
