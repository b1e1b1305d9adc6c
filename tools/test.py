"""Evaluate a checkpoint of a pose or segmentation model on its config's test set.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE]
                         [--cfg-options k=v ...] [--trust-checkpoint] [--allow-partial-load]
                         [--launcher none|pytorch|slurm|mpi]

Several processes: tools/dist_test.sh (torchrun) or tools/slurm_test.sh (srun).
"""
import argparse

from engine import (add_common_arguments, build_runner, checkpoint_trust, end_distributed,
                    load_config)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='dump the predictions to this pickle file')
    add_common_arguments(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args)
    cfg.load_from = args.checkpoint
    if args.out:
        cfg.test_evaluator = [*([cfg.test_evaluator] if isinstance(cfg.test_evaluator, dict)
                                else cfg.test_evaluator),
                              dict(type='DumpResults', out_file_path=args.out)]
    runner = build_runner(cfg, args.checkpoint, args.trust_checkpoint, args.allow_partial_load)
    with checkpoint_trust(args.trust_checkpoint):
        metrics = runner.test()
    runner.logger.info(f'test metrics: {metrics}')
    end_distributed()


if __name__ == '__main__':
    main()
