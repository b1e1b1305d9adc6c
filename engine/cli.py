"""Command-line handling shared by ``tools/train.py`` and ``tools/test.py``.

The same scripts serve pose and segmentation configs: everything task-specific (scope, imports)
comes from the config itself.
"""
import argparse
import os.path as osp

from mmengine.config import Config, DictAction

from .config_override_check import check_override_keys
from .runtimes import BACKENDS


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """``--work-dir``, ``--cfg-options`` and ``--launcher``, as in mmseg/mmpose tools."""
    parser.add_argument('--work-dir', help='the directory for logs and checkpoints')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='override config settings, key=value pairs (e.g. train_dataloader.batch_size=8)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that need arbitrary unpickling (only for files '
                        'from a source you trust)')
    parser.add_argument('--allow-partial-load', action='store_true',
                        help='load a checkpoint that fits the model only partly (the matching '
                        'weights; the mismatches are logged) instead of refusing it')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher for distributed runs')
    # torchrun passes LOCAL_RANK in the environment; torch.distributed.launch passes this flag.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def add_inference_arguments(parser: argparse.ArgumentParser,
                            default_backend: str = 'pytorch') -> None:
    """``--device``, ``--trust-checkpoint``, ``--backend``, ``--threads`` and ``--streams``, as
    the demos take them (see :data:`engine.BACKENDS`)."""
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that need arbitrary unpickling')
    parser.add_argument('--backend', choices=BACKENDS, default=default_backend,
                        help='pytorch (the trained modules), deploy (their inference form: '
                        'BatchNorm folded), onnxruntime or openvino (the exported graph), auto '
                        f'(the fastest installed); default {default_backend}')
    parser.add_argument('--threads', type=int, default=0,
                        help="the runtime's threads (0: its default)")
    parser.add_argument('--streams', type=int, default=0,
                        help="the runtime's concurrent streams, over which the people of a "
                        'frame are split (0: two per CPU core)')


def load_config(args: argparse.Namespace) -> Config:
    """Read the config, apply ``--cfg-options`` (refusing misspelt keys, see
    :func:`check_override_keys`) and choose the work dir.

    Work dir precedence: ``--work-dir``, then the config's ``work_dir``, then
    ``./work_dirs/<config file name>``.
    """
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options:
        check_override_keys(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    return cfg
