"""Convert a released Lite-HRNet pose checkpoint (official / mmpose 0.x: ``keypoint_head.*``;
mmpose 1.x: ``head.*``) into this project's format (``state_dict`` with ``backbone.*`` and
``head.*``, no optimizer state).

    python tools/convert_checkpoint.py SRC.pth DST.pth [--trust-checkpoint]

Released checkpoints already load through ``init_model`` / ``--cfg-options load_from=...``
without conversion; converting once drops the training state and the pickled metadata that
weights-only loading would otherwise refuse.
"""
import argparse

import torch

from engine import load_checkpoint_file, refuse_overwriting_inputs
from pose.models.estimators.topdown import rename_released_keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src')
    parser.add_argument('dst')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow a source checkpoint that needs arbitrary unpickling')
    args = parser.parse_args()
    refuse_overwriting_inputs(args.dst, [args.src])
    checkpoint = load_checkpoint_file(args.src, trust=args.trust_checkpoint)
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not any(k.startswith('backbone.') for k in state_dict):
        raise SystemExit(f'{args.src} has no backbone.* keys: not a top-down pose checkpoint')
    converted = dict(state_dict)
    rename_released_keys(converted)
    torch.save({'state_dict': converted, 'meta': {'converted_from': args.src}}, args.dst)
    renamed = len(set(state_dict) - set(converted))
    print(f'wrote {args.dst}: {len(converted)} tensors, {renamed} keys renamed')


if __name__ == '__main__':
    main()
