"""tools/analysis/benchmark.py runs every mode and reports against the reference (smoke test at a
tiny size: speed targets are measured by the tool itself, never by tests)."""
import importlib.util
import re
import sys
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location('benchmark', ROOT / 'tools/analysis/benchmark.py')
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)

POSE = str(ROOT / 'configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py')
MASK = str(ROOT / 'configs/pose/lite_hrnet_mask/coco/litehrnet_18_mask_coco_256x192.py')
SEG = str(ROOT / 'configs/seg/fcn_litehrnet-18_cityscapes-512x1024.py')
TINY = ['--shape', '64', '64', '--runs', '1', '--warmup', '1', '--threads', '1']


@pytest.fixture(autouse=True)
def restore_threads():
    """The tool sets the process's thread count; give the other tests theirs back."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def run(monkeypatch, capsys, *args) -> str:
    monkeypatch.setattr(sys, 'argv', ['benchmark.py', *args])
    benchmark.main()
    return capsys.readouterr().out


@pytest.mark.parametrize('config,backends', [(POSE, ['deploy', 'openvino']),
                                             (SEG, ['onnxruntime'])])
def test_inference_reports_the_ratio_of_each_backend(monkeypatch, capsys, config, backends):
    out = run(monkeypatch, capsys, config, '--backend', *backends, '--batch-size', '2', *TINY)
    assert 'reference eager' in out and 'img/s' in out and 'ms/batch' in out
    for backend in backends:
        line = next(line for line in out.splitlines()
                    if f'{backend} / reference eager:' in line)
        assert float(line.rsplit('= ', 1)[1]) <= 1e-4


def test_multitask_times_the_joint_model_beside_pose_alone_and_a_segmentor(monkeypatch,
                                                                            capsys):
    out = run(monkeypatch, capsys, MASK, '--multitask', '--backend', 'pytorch', 'openvino',
              '--batch-size', '2', *TINY)
    # the mask head adds a few percent to the backbone; the segmentor is a second network
    macs = re.search(r'pose alone ([0-9.]+)M, joint ([0-9.]+)M \(\+[0-9.]+%\), segmentor '
                     r'([0-9.]+)M', out)
    alone, joint, segmentor = map(float, macs.groups())
    assert alone < joint < 1.1 * alone and segmentor > alone
    for backend in ('pytorch', 'openvino'):
        for name in ('pose alone', 'joint', 'pose + segmentor'):
            assert re.search(rf'^  {backend} {re.escape(name)} \(.*\n +[0-9.]+ img/s', out, re.M)
        line = next(line for line in out.splitlines()
                    if line.startswith(f'  {backend}: joint / pose alone'))
        assert 'pose + segmentor / pose alone' in line
        assert float(line.rsplit('= ', 1)[1]) <= 1e-4  # every output of the three, vs pytorch


def test_multitask_needs_a_mask_model(monkeypatch, capsys):
    with pytest.raises(ValueError, match='has no mask head'):
        run(monkeypatch, capsys, POSE, '--multitask', *TINY)
    with pytest.raises(SystemExit):
        run(monkeypatch, capsys, MASK, '--segmentor', POSE, *TINY)


def test_training_steps(monkeypatch, capsys):
    out = run(monkeypatch, capsys, POSE, '--train', '--batch-size', '2', *TINY)
    assert 'training / reference eager:' in out
    assert float(out.rsplit('= ', 1)[1]) <= 1e-5  # gradients relative to the largest one


def test_data_pipeline_on_the_bundled_sample(monkeypatch, capsys):
    out = run(monkeypatch, capsys, POSE, '--data', '--runs', '1')
    assert 'samples/s per worker' in out and 'data/samples/coco' in out


def test_test_pipeline_reads_the_bundled_detections_in_order(monkeypatch, capsys):
    out = run(monkeypatch, capsys, POSE, '--data', 'test', '--runs', '1')
    # 118 detection boxes of the bundled sample, against 12 annotated people for training
    assert '118 samples from data/samples/coco/ (dataset order)' in out


def test_the_runtimes_onnx_files_are_removed_even_on_error(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    run(monkeypatch, capsys, POSE, '--backend', 'onnxruntime', *TINY)
    assert not list(tmp_path.glob('litehrnet_bench_*'))

    def interrupted(*args, **kwargs):
        assert list(tmp_path.glob('litehrnet_bench_*/onnxruntime.onnx'))  # exported by now
        raise KeyboardInterrupt

    monkeypatch.setattr(benchmark, 'time_alternating', interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(monkeypatch, capsys, POSE, '--backend', 'onnxruntime', *TINY)
    assert not list(tmp_path.glob('litehrnet_bench_*'))
