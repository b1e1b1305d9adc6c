"""Evaluate a checkpoint of a pose or segmentation model on its config's test set.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE]
                         [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]
"""
import argparse

from mmengine.runner import Runner

from litehrnet.engine import add_common_arguments, load_config, runner_checkpoint_loading


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
    runner = Runner.from_cfg(cfg)
    with runner_checkpoint_loading(args.trust_checkpoint, args.checkpoint):
        metrics = runner.test()
    runner.logger.info(f'test metrics: {metrics}')


if __name__ == '__main__':
    main()
