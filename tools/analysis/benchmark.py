"""Throughput of a pose or segmentation model, against the original implementation.

    python tools/analysis/benchmark.py CONFIG [--checkpoint CKPT] [--batch-size N] [--threads T]
        [--backend pytorch|deploy|onnxruntime|openvino|compile|all ...] [--streams S]
        [--channels-last]
        [--train] [--data [train|test]] [--multitask [--segmentor SEG_CONFIG]] [--shape H W]
        [--device cpu|cuda] [--runs R] [--warmup W] [--settle K] [--budget S]

Inference (default): the tensor-mode forward (pose heatmaps, segmentation logits) of the chosen
backends and of the reference eager model -- the same weights and head, with the backbone run by
``litehrnet.reference`` (the original implementation: original module order, no
folding) -- timed in turns in this process, each timed call after ``--settle`` untimed calls of
the same backend (so that none is timed while the previous one's threads still spin on the
cores). Prints img/s and ms per batch (median, IQR, min, max), the multiply-accumulates of the
convolutions and matrix products done per second (mmengine's FlopAnalyzer count; the figure
that compares with dense models), and for each backend the ratio of medians and the largest
output difference from our PyTorch model. The backends are the runtime
layer's (``engine.BACKENDS``: pytorch, deploy, onnxruntime and openvino, each runtime
running the graph form ``engine.GRAPH_FORMS`` gives it) and ``torch.compile`` of the deploy form.

--multitask (CONFIG: a pose model with a mask head): on the same batch of person crops and in
each --backend, the joint model (keypoints and silhouettes from one backbone pass) beside pose
alone (the same model without its mask head) and beside pose followed by a separate segmentor
(--segmentor, by default mmseg's FCN on Lite-HRNet-18, ``pose.benchmark.PERSON_SEGMENTOR``, made a
2-class person/background model at the crop size), timed in turns like the backends; prints the
time of each, the multiply-accumulates per crop of the three, and per backend the joint model's
and the pose + segmentor pair's time relative to pose alone.

--train: full training steps (forward, loss, backward, the config's optimizer step) on a
synthetic batch, ours against the reference, and the largest difference between the
two models' gradients of one step (relative to the largest gradient).

--data: the config's training data pipeline (decode, augmentation, affine, targets) in samples/s
for one worker, samples in a random order as in training; ``--data test``: the test pipeline,
samples in dataset order as in evaluation. A pose config whose data is absent reads the COCO
sample bundled with this repository (data/samples/coco; its detection boxes for ``test``).

CPU timings use --threads intra-op threads for PyTorch and onnxruntime alike; on CUDA the GPU is
synchronised around every timed call.
"""
import argparse
import copy
import importlib
import os
import os.path as osp
import platform
import tempfile
from typing import Dict, List

import torch
from mmengine.config import Config
from mmengine.registry import DATASETS, init_default_scope

from engine import TensorForward, build_model, model_input_shape
from engine.benchmark import (BACKENDS, Candidate, Timings, candidate, chained,
                              gradient_difference, max_abs_difference, ratio_line,
                              reference_candidate, samples_per_second, time_alternating,
                              training_pair)
from litehrnet.complexity import standard_macs

# The package of each task scope, which makes its synthetic training batches.
TASK_PACKAGES = {'pose': 'pose', 'mmseg': 'seg'}
# The three ways of getting keypoints and silhouettes that --multitask times.
MULTITASK = ('pose alone', 'joint', 'pose + segmentor')
# The COCO sample bundled with the repository, read when a pose config's data is absent.
COCO_SAMPLE = dict(data_root='data/samples/coco/', ann_file='test_coco.json',
                   data_prefix=dict(img=''))
COCO_SAMPLE_DETECTIONS = 'test_coco_det_AP_H_56.json'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--checkpoint', help='weights (default: untrained, Kaiming-initialised)')
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--threads', type=int, default=os.cpu_count(),
                        help='intra-op CPU threads (default: all cores)')
    parser.add_argument('--backend', nargs='+', choices=BACKENDS + ('all', ), default=['pytorch'],
                        help='one or more backends, timed in turns with the reference in one '
                        'run; all: every backend')
    parser.add_argument('--streams', type=int, default=1,
                        help='onnxruntime/openvino: split the batch over this many concurrent '
                        'streams')
    parser.add_argument('--channels-last', action='store_true',
                        help='deploy/compile: channels-last weights and inputs')
    parser.add_argument('--train', action='store_true', help='time training steps')
    parser.add_argument('--data', nargs='?', const='train', choices=('train', 'test'),
                        help='time the training data pipeline (or the test one)')
    parser.add_argument('--multitask', action='store_true',
                        help='time the joint keypoint + silhouette model (CONFIG, with a mask '
                        'head) beside pose alone and beside pose + a separate segmentor')
    parser.add_argument('--segmentor', help='--multitask: the separate segmentation config '
                        '(made 2-class; default: pose.benchmark.PERSON_SEGMENTOR)')
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help="input height and width (default: the config's input size)")
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--runs', type=int, default=0,
                        help='timed runs per candidate (default: as many as fit in --budget)')
    parser.add_argument('--warmup', type=int, default=3, help='untimed runs per candidate')
    parser.add_argument('--settle', type=int, default=1,
                        help='untimed calls of a candidate before each of its timed calls, '
                        'so that it is not timed while the previous one\'s threads still spin')
    parser.add_argument('--budget', type=float, default=30.0,
                        help='when --runs is not given: the seconds of timed calls of all '
                        'candidates together (the reference included), from which the number '
                        'of runs follows (at least 5, at most 200); the untimed --settle calls '
                        'multiply the timing loop by 1 + SETTLE (twice by default), and the '
                        '--warmup calls, exports and compilations come on top')
    parser.add_argument('--trust-checkpoint', action='store_true')
    args = parser.parse_args()
    if sum(map(bool, (args.train, args.data, args.multitask))) > 1:
        parser.error('--train, --data and --multitask are separate benchmarks: give one')
    if args.segmentor and not args.multitask:
        parser.error('--segmentor is the separate segmentor of --multitask')
    if 'all' in args.backend:
        args.backend = list(BACKENDS)
    return args


def header(args: argparse.Namespace, shape) -> str:
    mode = (f'{args.data} data pipeline' if args.data else 'training' if args.train
            else ', '.join(args.backend))
    if args.multitask:
        mode = f'multi-task against pose alone and pose + segmentor; {mode}'
    return (f'{args.config}\n  {mode}, batch {args.batch_size}, input {shape[0]}x{shape[1]}, '
            f'{args.device}, {torch.get_num_threads()} threads, torch {torch.__version__}, '
            f'{platform.processor() or platform.machine()}')


def print_timing(name: str, timings: Timings, batch_size: int) -> None:
    print(f'  {name}\n    {timings.summary(batch_size, "img")}')


def bench_inference(args: argparse.Namespace, model, shape) -> None:
    # The runtimes' ONNX files live in a folder removed at the end, whatever happens.
    with tempfile.TemporaryDirectory(prefix='litehrnet_bench_') as workdir:
        time_inference(args, model, shape, workdir)


def time_inference(args: argparse.Namespace, model, shape, workdir: str) -> None:
    x = torch.randn(args.batch_size, 3, *shape,
                    generator=torch.Generator().manual_seed(0)).to(args.device)
    reference = reference_candidate(model, x)
    ours = {backend: candidate(backend, model, x, threads=args.threads,
                               channels_last=args.channels_last, streams=args.streams,
                               workdir=workdir)
            for backend in args.backend}
    plain = candidate('pytorch', model, x).output()
    diffs = {backend: max_abs_difference(c.output(), plain) for backend, c in ours.items()}
    timings = time_alternating({'reference': reference.run,
                                **{backend: c.run for backend, c in ours.items()}},
                               args.device, args.warmup, args.runs, args.budget, args.settle)
    macs = args.batch_size * standard_macs(TensorForward(model).eval(), x[:1])
    print_timing(f'reference eager ({reference.note})', timings['reference'], args.batch_size)
    for backend, c in ours.items():
        print_timing(f'{backend} ({c.note})', timings[backend], args.batch_size)
    for name in ('reference', *ours):
        label = 'reference eager' if name == 'reference' else name
        print(f'  {label}: {macs / timings[name].median / 1e9:.1f} GMAC/s of conv and matrix '
              f'work ({macs / args.batch_size / 1e6:.0f}M MACs per image)')
    for backend in ours:
        print(f'  {ratio_line(backend, timings[backend], timings["reference"])}; '
              f'max |{backend} - pytorch| = {diffs[backend]:.2e}')


def bench_multitask(args: argparse.Namespace, model, shape) -> None:
    # The runtimes' ONNX files live in a folder removed at the end, whatever happens.
    with tempfile.TemporaryDirectory(prefix='litehrnet_bench_') as workdir:
        time_multitask(args, model, shape, workdir)


def multitask_models(args: argparse.Namespace, model, shape) -> Dict[str, torch.nn.Module]:
    """The joint model, pose alone and the separate segmentor, by name."""
    from pose.benchmark import PERSON_SEGMENTOR, person_segmentor, pose_alone
    return {'pose alone': pose_alone(model), 'joint': model,
            'segmentor': person_segmentor(args.segmentor or PERSON_SEGMENTOR, shape,
                                          args.device)}


def multitask_candidates(args: argparse.Namespace, backends: List[str],
                         models: Dict[str, torch.nn.Module], x: torch.Tensor,
                         workdir: str) -> Dict[str, Candidate]:
    """'BACKEND pose alone', 'BACKEND joint' and 'BACKEND pose + segmentor' (pose alone, then
    the segmentor) for each of ``backends``."""
    candidates = {}
    for backend in backends:
        made = {name: candidate(backend, model, x, threads=args.threads,
                                channels_last=args.channels_last, streams=args.streams,
                                workdir=tempfile.mkdtemp(dir=workdir))
                for name, model in models.items()}
        candidates[f'{backend} pose alone'] = made['pose alone']
        candidates[f'{backend} joint'] = made['joint']
        candidates[f'{backend} pose + segmentor'] = chained(
            made['pose alone'], made['segmentor'], made['segmentor'].note)
    return candidates


def time_multitask(args: argparse.Namespace, model, shape, workdir: str) -> None:
    x = torch.randn(args.batch_size, 3, *shape,
                    generator=torch.Generator().manual_seed(0)).to(args.device)
    models = multitask_models(args, model, shape)
    candidates = multitask_candidates(args, args.backend, models, x, workdir)
    plain = multitask_candidates(args, ['pytorch'], models, x, workdir)
    timings = time_alternating({name: c.run for name, c in candidates.items()}, args.device,
                               args.warmup, args.runs, args.budget, args.settle)
    macs = {name: standard_macs(TensorForward(m).eval(), x[:1])
            for name, m in models.items()}
    print(f'  multiply-accumulates per crop: pose alone {macs["pose alone"] / 1e6:.1f}M, joint '
          f'{macs["joint"] / 1e6:.1f}M (+{macs["joint"] / macs["pose alone"] - 1:.1%}), '
          f'segmentor {macs["segmentor"] / 1e6:.1f}M')
    for name, c in candidates.items():
        print_timing(f'{name} ({c.note})', timings[name], args.batch_size)
    for backend in args.backend:
        median = {m: timings[f'{backend} {m}'].median for m in MULTITASK}
        diff = max(max_abs_difference(candidates[f'{backend} {m}'].output(),
                                      plain[f'pytorch {m}'].output()) for m in MULTITASK)
        print(f'  {backend}: joint / pose alone {median["joint"] / median["pose alone"]:.3f}x '
              f'the time, pose + segmentor / pose alone '
              f'{median["pose + segmentor"] / median["pose alone"]:.3f}x; '
              f'max |{backend} - pytorch| = {diff:.2e}')


def bench_training(args: argparse.Namespace, model, cfg, shape) -> None:
    task = importlib.import_module(f'{TASK_PACKAGES[cfg.default_scope]}.benchmark')
    inputs, samples = task.synthetic_batch(model, args.batch_size, shape, args.device)
    difference = gradient_difference(model, inputs, samples)
    reference, ours = training_pair(model, cfg, inputs, samples)
    timings = time_alternating({'reference': reference, 'ours': ours}, args.device,
                               min(args.warmup, 2), args.runs, args.budget, args.settle)
    print_timing('reference eager train step', timings['reference'], args.batch_size)
    print_timing('our train step', timings['ours'], args.batch_size)
    print(f'  {ratio_line("training", timings["ours"], timings["reference"])}; '
          f'max |gradient - reference| / max |reference gradient| = {difference:.1e}')


def pipeline_dataset(cfg: Config, split: str):
    """The config's ``split`` ('train' or 'test') dataset, or the bundled COCO sample for a
    pose config whose data is absent (same pipeline; its detection boxes for 'test')."""
    init_default_scope(cfg.get('default_scope', None))
    dataset_cfg = copy.deepcopy(cfg[f'{split}_dataloader'].dataset)
    if cfg.get('default_scope') == 'pose' and not osp.isdir(dataset_cfg.get('data_root', '')):
        dataset_cfg.update(COCO_SAMPLE)
        if dataset_cfg.get('bbox_file'):
            dataset_cfg.bbox_file = COCO_SAMPLE_DETECTIONS
    return DATASETS.build(dataset_cfg)


def bench_data(args: argparse.Namespace, cfg) -> None:
    dataset = pipeline_dataset(cfg, args.data)
    shuffle = args.data == 'train'  # as a training sampler does; evaluation keeps the order
    rates = sorted(samples_per_second(dataset, samples=max(len(dataset), 100),
                                      runs=args.runs or 5, shuffle=shuffle))
    order = 'random order' if shuffle else 'dataset order'
    source = dataset.data_root or 'the config'
    print(f'  {len(dataset)} samples from {source} ({order}): {spread(rates)}')


def spread(rates: List[float]) -> str:
    """The median, min and max of sorted per-run ``rates``."""
    return (f'{rates[len(rates) // 2]:.0f} samples/s per worker (median; min {rates[0]:.0f}, '
            f'max {rates[-1]:.0f}, {len(rates)} runs)')


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    model = build_model(args.config, args.checkpoint, device=args.device,
                        trust_checkpoint=args.trust_checkpoint)
    cfg = model.cfg
    shape = tuple(args.shape) if args.shape else model_input_shape(model)
    print(header(args, shape))
    if args.data:
        bench_data(args, cfg)
    elif args.multitask:
        bench_multitask(args, model, shape)
    elif args.train:
        bench_training(args, model, cfg, shape)
    else:
        bench_inference(args, model, shape)


if __name__ == '__main__':
    main()
