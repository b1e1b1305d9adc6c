"""Segment an image with a trained model and save the classes painted over it.

    python tools/demo/seg_image.py IMG CONFIG CHECKPOINT --out FILE [--opacity 0.5]
        [--device cpu] [--trust-checkpoint] [--backend pytorch|deploy|onnxruntime|openvino]

Uses ``seg.apis.init_model`` (weights-only loading) and mmseg's ``inference_model`` (the
config's test pipeline, whole-image inference) and its ``SegLocalVisualizer`` with the class
names and palette stored in the checkpoint (those of the config's dataset when the checkpoint
has none). ``--backend`` picks what computes the logits (see ``seg.apis.init_model``).
"""
import argparse
import os
import os.path as osp

import mmcv
from mmseg.apis import inference_model
from mmseg.models import BaseSegmentor
from mmseg.visualization import SegLocalVisualizer

from engine import add_inference_arguments
from seg.apis import init_model


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('img', help='the image to segment')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='where to write the overlay picture')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='opacity of the painted classes, in (0, 1]')
    add_inference_arguments(parser)
    args = parser.parse_args()
    if not 0 < args.opacity <= 1:
        parser.error(f'--opacity must be in (0, 1], got {args.opacity}')
    return args


def load_model(config: str, checkpoint: str, device: str, trust: bool,
               backend: str = 'pytorch', threads: int = 0) -> BaseSegmentor:
    """The segmentor of ``seg.apis.init_model``, weights loaded weights-only unless ``trust``."""
    return init_model(config, checkpoint, device=device, trust_checkpoint=trust,
                      backend=backend, threads=threads)


def main() -> None:
    args = parse_args()
    if not osp.isfile(args.img):
        raise FileNotFoundError(f'image not found: {args.img}')
    model = load_model(args.config, args.checkpoint, args.device, args.trust_checkpoint,
                       args.backend, args.threads)
    result = inference_model(model, args.img)
    visualizer = SegLocalVisualizer(alpha=args.opacity)
    visualizer.dataset_meta = dict(classes=model.dataset_meta['classes'],
                                   palette=model.dataset_meta['palette'])
    if osp.dirname(args.out):
        os.makedirs(osp.dirname(args.out), exist_ok=True)
    visualizer.add_datasample('segmentation', mmcv.imread(args.img, channel_order='rgb'),
                              result, draw_gt=False, show=False, out_file=args.out)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
