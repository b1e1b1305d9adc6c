"""Train a pose or segmentation model from a config with mmengine's Runner.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--load-from CKPT]
                          [--seed N] [--deterministic] [--amp] [--cfg-options k=v ...]
                          [--trust-checkpoint] [--allow-partial-load]
                          [--launcher none|pytorch|slurm|mpi]

Several processes: tools/dist_train.sh (torchrun) or tools/slurm_train.sh (srun).
"""
import argparse

import torch
from mmengine.config import Config

from engine import (add_common_arguments, build_runner, checkpoint_trust, end_distributed,
                    load_config, resume_checkpoint, work_dir_lock)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    start = parser.add_mutually_exclusive_group()
    start.add_argument('--resume', nargs='?', const='auto', default=None,
                       help='resume from CKPT, or from the latest checkpoint of the work dir '
                       'when no path is given')
    start.add_argument('--load-from', metavar='CKPT',
                       help='initialise the model from CKPT (fine-tuning): weights only, '
                       'and the checkpoint must fit the model (see --allow-partial-load)')
    parser.add_argument('--seed', type=int, help='random seed (randomness.seed)')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (randomness.deterministic)')
    parser.add_argument('--amp', action='store_true',
                        help='mixed-precision training (CUDA only)')
    add_common_arguments(parser)
    return parser.parse_args()


def apply_training_arguments(cfg: Config, args: argparse.Namespace) -> None:
    """Map the training flags onto mmengine's config keys."""
    if args.amp:
        if not torch.cuda.is_available():
            raise SystemExit('--amp needs a CUDA device: mixed precision through '
                             'AmpOptimWrapper is not supported on CPU-only machines.')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.seed is not None or args.deterministic:
        randomness = dict(cfg.get('randomness') or {})
        if args.seed is not None:
            randomness['seed'] = args.seed
        if args.deterministic:
            randomness['deterministic'] = True
        cfg.randomness = randomness
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    elif args.load_from is not None:
        cfg.resume, cfg.load_from = False, args.load_from


def main() -> None:
    args = parse_args()
    cfg = load_config(args)
    apply_training_arguments(cfg, args)
    # Resuming a run of this config needs no fit check; a checkpoint to start from does.
    checkpoint = None if cfg.get('resume') else cfg.get('load_from')
    # Held until training ends: a second run into this work dir would overwrite its
    # checkpoints, and is refused.
    with work_dir_lock(cfg.work_dir, args.launcher) as lock:
        notes = [lock] if lock else []
        if args.resume == 'auto':
            # Only now: the run that held the work dir may have been writing a checkpoint.
            fallback, note = resume_checkpoint(cfg.work_dir)
            if note:
                cfg.load_from = fallback
                notes.append(note)
        runner = build_runner(cfg, checkpoint, args.trust_checkpoint, args.allow_partial_load,
                              notes)
        with checkpoint_trust(args.trust_checkpoint):
            runner.train()
    end_distributed()


if __name__ == '__main__':
    main()
