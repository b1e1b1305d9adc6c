"""Segment an image with a trained model and save the classes painted over it.

    python tools/demo/seg_image.py IMG CONFIG CHECKPOINT --out FILE [--opacity 0.5]
        [--device cpu] [--trust-checkpoint]
        [--backend auto|pytorch|deploy|onnxruntime|openvino] [--threads N] [--streams S]

Uses ``seg.apis.init_model`` (weights-only loading) and mmseg's ``inference_model`` (the
config's test pipeline, whole-image inference) and its ``SegLocalVisualizer`` with the class
names and palette stored in the checkpoint (those of the config's dataset when the checkpoint
has none). ``--backend`` picks what computes the logits (see ``seg.apis.init_model``): by
default 'auto', the fastest installed on a CPU and PyTorch on CUDA; the one that ran is printed.

The image is read and checked, and the output path too (an extension OpenCV writes, not one of
the inputs), before the model is built; a write that fails is an error.
"""
import argparse
import os
import os.path as osp

import numpy as np
from mmengine.structures import PixelData
from mmseg.apis import inference_model
from mmseg.models import BaseSegmentor
from mmseg.structures import SegDataSample
from mmseg.visualization import SegLocalVisualizer

from engine import (add_inference_arguments, check_image_output, image_from_file,
                    refuse_overwriting_inputs, resolve_backend, write_image)
from seg.apis import init_model

MIN_LABELLED_SIZE = 64  # pixels: smaller pictures get the colours without the class names


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('img', help='the image to segment')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='where to write the overlay picture')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='opacity of the painted classes, in (0, 1]')
    add_inference_arguments(parser, default_backend='auto')
    args = parser.parse_args()
    if not 0 < args.opacity <= 1:
        parser.error(f'--opacity must be in (0, 1], got {args.opacity}')
    return args


def load_model(config: str, checkpoint: str, device: str, trust: bool,
               backend: str = 'pytorch', threads: int = 0, streams: int = 0) -> BaseSegmentor:
    """The segmentor of ``seg.apis.init_model``, weights loaded weights-only unless ``trust``."""
    return init_model(config, checkpoint, device=device, trust_checkpoint=trust,
                      backend=backend, threads=threads, streams=streams)


def draw_overlay(model: BaseSegmentor, image: np.ndarray, result: SegDataSample,
                 opacity: float) -> np.ndarray:
    """(H, W, 3) BGR: the predicted classes painted over ``image`` (BGR), with their names
    where the picture is large enough to print them."""
    visualizer = SegLocalVisualizer(alpha=opacity)
    visualizer.dataset_meta = dict(classes=model.dataset_meta['classes'],
                                   palette=model.dataset_meta['palette'])
    # mmseg places each name inside its class region; a few pixels leave no room for it
    with_labels = min(image.shape[:2]) >= MIN_LABELLED_SIZE
    # As a numpy array: mmseg indexes the picture with the label map, and numpy takes a
    # one-pixel torch mask for the integer index 0 or 1.
    result = result.clone()
    result.pred_sem_seg = PixelData(data=result.pred_sem_seg.data.cpu().numpy())
    visualizer.add_datasample('segmentation', image[..., ::-1], result, draw_gt=False,
                              show=False, with_labels=with_labels)
    return visualizer.get_image()[..., ::-1]


def main() -> None:
    args = parse_args()
    # Every input and the output are checked before the model is built or run.
    image = image_from_file(args.img)
    check_image_output(args.out)
    refuse_overwriting_inputs(args.out, [args.img, args.config, args.checkpoint])
    backend = resolve_backend(args.backend, args.device)
    model = load_model(args.config, args.checkpoint, args.device, args.trust_checkpoint,
                       backend, args.threads, args.streams)
    print(f'backend: {backend}')
    result = inference_model(model, image)
    overlay = draw_overlay(model, image, result, args.opacity)
    if osp.dirname(args.out):
        os.makedirs(osp.dirname(args.out), exist_ok=True)
    write_image(args.out, overlay)
    print(f'wrote {args.out}')

if __name__ == '__main__':
    main()
