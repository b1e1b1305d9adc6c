"""Look at a dataset through its pipeline: the samples a model is fed, as pictures.

    python tools/misc/browse_dataset.py CONFIG [--phase train|val|test]
        [--mode transformed|original] [--num N] [--start I] [--seed S] [--out-dir DIR] [--show]
        [--cfg-options KEY=VALUE ...]

``--mode transformed`` (default) runs each sample through the config's whole pipeline, up to its
packing step, and draws what the network gets. Pose: the crop with its keypoints in the
dataset's own skeleton colours (its metainfo), beside the target heatmaps summed over the
crop; the caption says whether a flip or a half-body box was applied (a flipped sample shows
left and right keypoints swapped in colour: that checks ``flip_indices``). Segmentation: the
augmented image with the label map painted over it, ignored pixels striped.
``--mode original`` runs only the loading steps and draws the annotations on the whole image
(pose: the person's box and keypoints).

Pictures go to ``--out-dir`` as ``<index>_<image>.png`` (each named when written; an image of
the dataset is never overwritten) and/or a window (``--show``: any key for the next, q or Esc
stops).
"""
import argparse
import os
import os.path as osp
import random
import sys
from typing import Iterator, List, Optional, Tuple

import cv2
import numpy as np
from mmengine.config import Config, DictAction
from mmengine.registry import DATASETS, init_default_scope

from engine import refuse_overwriting_inputs, write_image
from pose.visualization import (caption, draw_pose, overlay_heatmap, scaled_sizes,
                                side_by_side, summed_heatmap)

LABEL_OPACITY = 0.5
STRIPE = 4  # pixels per stripe of the ignored-pixel marking


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='a pose or segmentation config')
    parser.add_argument('--phase', choices=('train', 'val', 'test'), default='train',
                        help="whose dataset and pipeline: the config's <phase>_dataloader")
    parser.add_argument('--mode', choices=('transformed', 'original'), default='transformed',
                        help='after every transform, or the annotations as loaded')
    parser.add_argument('--num', type=int, default=8, help='how many samples')
    parser.add_argument('--start', type=int, default=0, help='index of the first sample')
    parser.add_argument('--seed', type=int, default=0,
                        help="the augmentations' random seed (the same pictures each run)")
    parser.add_argument('--out-dir', help='folder for the pictures')
    parser.add_argument('--show', action='store_true', help='show them in a window')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    args = parser.parse_args()
    if not (args.out_dir or args.show):
        parser.error('say where the pictures go: --out-dir and/or --show')
    if args.num < 1 or args.start < 0:
        parser.error('--num must be at least 1 and --start at least 0')
    return args


def build_dataset(cfg: Config, phase: str):
    """The dataset of ``cfg``'s ``<phase>_dataloader`` and, inside any wrappers (repeat,
    checks), the dataset that holds the pipeline."""
    loader = cfg.get(f'{phase}_dataloader')
    if not loader:
        raise ValueError(f'{cfg.filename}: has no {phase}_dataloader')
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    dataset = DATASETS.build(loader['dataset'])
    inner = dataset
    while not hasattr(inner, 'pipeline') and hasattr(inner, 'dataset'):
        inner = inner.dataset
    if not hasattr(inner, 'pipeline'):
        raise ValueError(f'{cfg.filename}: the {phase} dataset '
                         f'{type(dataset).__name__} has no pipeline')
    return dataset, inner


def run_pipeline(dataset, index: int, mode: str) -> Tuple[dict, List[str]]:
    """Sample ``index``'s results before packing (``mode`` 'transformed') or after its loading
    steps ('original'), and the random changes applied to it (flip, half-body)."""
    results = dataset.get_data_info(index)
    applied = []
    for transform in dataset.pipeline.transforms:
        name = type(transform).__name__
        if name.startswith('Pack') or (mode == 'original' and not name.startswith('Load')):
            break
        scale = results.get('bbox_scale')
        results = transform(results)
        if results is None:
            raise ValueError(f'sample {index} ({dataset.get_data_info(index).get("img_path")}): '
                             f'{name} dropped it')
        if name == 'RandomHalfBody' and not np.array_equal(scale, results['bbox_scale']):
            applied.append('half-body')
    if results.get('flip'):
        applied.append('flipped')
    return results, applied


def as_image(img: np.ndarray) -> np.ndarray:
    """A pipeline's image (H, W, 3) of any dtype as uint8 BGR."""
    return np.clip(img, 0, 255).astype(np.uint8)


def draw_pose_sample(results: dict, meta: dict, mode: str, title: str) -> np.ndarray:
    """Pose: the crop and its keypoints beside the summed target heatmaps (transformed), or
    the image with the person's box and keypoints (original)."""
    image = as_image(results['img'])
    transformed = mode == 'transformed' and 'transformed_keypoints' in results
    keypoints = results['transformed_keypoints' if transformed else 'keypoints']
    radius, thickness = scaled_sizes(*image.shape[:2])
    drawn = draw_pose(image, keypoints, results['keypoints_visible'], meta['skeleton_links'],
                      meta['keypoint_colors'], meta['skeleton_link_colors'], score_thr=0.5,
                      radius=radius, thickness=thickness)
    if not transformed:
        for x1, y1, x2, y2 in np.round(results['bbox']).astype(int):
            cv2.rectangle(drawn, (x1, y1), (x2, y2), (0, 255, 0), thickness)
        return caption(drawn, title)
    panels = [caption(drawn, title)]
    if results.get('heatmaps') is not None:
        panels.append(caption(overlay_heatmap(image, summed_heatmap(results['heatmaps'])),
                              'targets, summed'))
    return side_by_side(panels)


def draw_seg_sample(results: dict, meta: dict, ignore_index: int, title: str) -> np.ndarray:
    """Segmentation: the label map painted over the image, ignored pixels striped black and
    white."""
    image = as_image(results['img'])
    labels = np.asarray(results['gt_seg_map'])
    palette = np.asarray(meta['palette'], dtype=np.uint8)[:, ::-1]  # RGB -> BGR
    known = labels < len(palette)
    colors = palette[np.where(known, labels, 0)]
    painted = image.copy()
    painted[known] = (image[known] * (1 - LABEL_OPACITY) +
                      colors[known] * LABEL_OPACITY).astype(np.uint8)
    ys, xs = np.nonzero(labels == ignore_index)
    painted[ys, xs] = np.where((((xs + ys) // STRIPE) % 2 == 0)[:, None], 255, 0)
    return caption(painted, title)


def samples(dataset, inner,
            args: argparse.Namespace) -> Iterator[Tuple[int, np.ndarray, Optional[str]]]:
    """(index, picture, image path) of the samples asked for."""
    meta = dataset.metainfo
    stop = min(len(inner), args.start + args.num)
    if args.start >= len(inner):
        raise ValueError(f'--start {args.start}: the dataset has {len(inner)} samples')
    for index in range(args.start, stop):
        results, applied = run_pipeline(inner, index, args.mode)
        name = osp.basename(results.get('img_path', ''))
        title = f'#{index} {name}' + (f' ({", ".join(applied)})' if applied else '')
        if 'keypoints' in results:
            picture = draw_pose_sample(results, meta, args.mode, title)
        elif 'gt_seg_map' in results:
            picture = draw_seg_sample(results, meta, getattr(inner, 'ignore_index', 255),
                                      title)
        else:
            raise ValueError(f'sample {index} ({name}) has neither keypoints nor a label map '
                             'after the pipeline: not a pose or segmentation dataset')
        yield index, picture, results.get('img_path')


def main() -> int:
    args = parse_args()
    try:
        cfg = Config.fromfile(args.config)
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        dataset, inner = build_dataset(cfg, args.phase)
    except (FileNotFoundError, ValueError, KeyError) as error:
        print(f'browse_dataset: {args.config}: {error}', file=sys.stderr)
        return 2
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
    random.seed(args.seed)
    np.random.seed(args.seed)
    try:
        for index, picture, img_path in samples(dataset, inner, args):
            if args.out_dir:
                stem = osp.splitext(osp.basename(img_path or 'sample'))[0]
                path = osp.join(args.out_dir, f'{index:04d}_{stem}.png')
                refuse_overwriting_inputs(path, [img_path, args.config])
                write_image(path, picture)
                print(f'wrote {path}')
            if args.show:
                cv2.imshow('browse_dataset', picture)
                if cv2.waitKey(0) & 0xFF in (ord('q'), 27):
                    break
    except (OSError, ValueError) as error:
        print(f'browse_dataset: {error}', file=sys.stderr)
        return 2
    finally:
        if args.show:
            cv2.destroyAllWindows()
    return 0


if __name__ == '__main__':
    sys.exit(main())
