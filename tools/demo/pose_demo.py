"""Pose estimation on your own photos, folders, videos or webcam: people found by a detector
(or given as boxes), their keypoints by a top-down pose model, drawn and saved.

    python tools/demo/pose_demo.py POSE_CONFIG POSE_CKPT --input IMG|DIR|VIDEO|webcam[:INDEX]
        [--det-config DET_CONFIG [--det-checkpoint DET_CKPT] [--det-interval K]
         [--bbox-thr 0.3] [--nms-thr 0.3] [--max-people N] [--det-cat-id ID]]
        [--det-file DETS.json --det-ann-file ANN.json]
        [--out-dir DIR] [--save-json] [--show] [--smooth] [--draw-bbox] [--kpt-thr 0.3]
        [--backend pytorch|deploy|onnxruntime|openvino] [--threads N] [--device cpu]

People: an mmdet detector (``--det-config``, its weights ``--det-checkpoint``, a file or URL,
by default the config's ``load_from``); or boxes from a COCO-format detection file
(``image_id``, ``bbox`` as x, y, w, h, ``score``) whose image ids are matched to file names by
the ``images`` of a COCO annotation file; without either, the whole frame is one person. In
videos, ``--det-interval K`` runs the detector on every K-th frame and follows people by their
keypoints in between.

Outputs: ``--out-dir`` gets one picture per image, or ``<video>_pose.mp4`` at the input's
frame rate; ``--save-json`` adds ``<input>.keypoints.json`` there (COCO results: one record per
person per frame); ``--show`` opens a window (q or Esc stops). The time spent decoding,
detecting, estimating poses and drawing is printed at the end.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from collections import defaultdict
from typing import Dict, Iterator, List, Optional

import cv2
import numpy as np
from mmengine.config import Config
from tqdm import tqdm

from engine import add_inference_arguments
from pose.apis import FrameResult, PoseInferencer, dump_coco_results, open_source
from pose.apis.sources import FrameSource


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='pose config')
    parser.add_argument('checkpoint', help='pose checkpoint (file or URL)')
    parser.add_argument('--input', required=True,
                        help='an image, a folder of images, a video, or webcam[:INDEX]')
    parser.add_argument('--out-dir', help='where pictures, videos and json go')
    parser.add_argument('--save-json', action='store_true',
                        help='write the keypoints as COCO results json into --out-dir')
    parser.add_argument('--show', action='store_true', help='show the frames in a window')
    detector = parser.add_argument_group('people')
    detector.add_argument('--det-config', help='mmdet 3.x detector config')
    detector.add_argument('--det-checkpoint',
                          help="detector weights, file or URL (default: the config's load_from)")
    detector.add_argument('--det-interval', type=int, default=1,
                          help='videos: detect every K-th frame, follow keypoints in between')
    detector.add_argument('--det-cat-id', type=int,
                          help="the person class index (default: the detector's 'person')")
    detector.add_argument('--bbox-thr', type=float, default=0.3, help='box score threshold')
    detector.add_argument('--nms-thr', type=float, default=0.3, help='box NMS IoU threshold')
    detector.add_argument('--max-people', type=int, help='keep the N best boxes per frame')
    detector.add_argument('--det-file', help='COCO-format person detections')
    detector.add_argument('--det-ann-file', help='COCO annotation file naming their images')
    parser.add_argument('--kpt-thr', type=float, default=0.3, help='keypoint score to draw')
    parser.add_argument('--smooth', action='store_true',
                        help='videos: One-Euro smoothing of the keypoints over time')
    parser.add_argument('--draw-bbox', action='store_true', help='draw the person boxes too')
    add_inference_arguments(parser)
    args = parser.parse_args()
    if bool(args.det_file) != bool(args.det_ann_file):
        parser.error('--det-file and --det-ann-file go together')
    if args.det_file and args.det_config:
        parser.error('--det-file and --det-config are two sources of boxes: give one')
    if not (args.out_dir or args.show):
        parser.error('say where the results go: --out-dir and/or --show')
    if args.save_json and not args.out_dir:
        parser.error('--save-json writes into --out-dir')
    return args


def load_detections(det_file: str, ann_file: str, thr: float) -> Dict[str, np.ndarray]:
    """File name -> (N, 5) x1, y1, x2, y2, score of the person detections scoring at least
    ``thr``."""
    with open(det_file) as f:
        detections = json.load(f)
    names = image_names(ann_file)
    boxes = defaultdict(list)
    for det in detections:
        if det.get('category_id', 1) == 1 and det['score'] >= thr:
            x, y, w, h = det['bbox']
            boxes[names[det['image_id']]].append([x, y, x + w, y + h, det['score']])
    return {name: np.array(b, dtype=np.float32) for name, b in boxes.items()}


def image_names(ann_file: str) -> Dict[int, str]:
    """COCO image id -> file name, from an annotation file's ``images``."""
    with open(ann_file) as f:
        return {img['id']: img['file_name'] for img in json.load(f)['images']}


def build_inferencer(args: argparse.Namespace) -> PoseInferencer:
    det_checkpoint = args.det_checkpoint
    if args.det_config and det_checkpoint is None:
        det_checkpoint = Config.fromfile(args.det_config).get('load_from')
        if det_checkpoint is None:
            print(f'warning: {args.det_config} names no weights (load_from) and no '
                  '--det-checkpoint was given: the detector keeps random weights',
                  file=sys.stderr)
    return PoseInferencer(
        args.config, args.checkpoint, args.det_config, det_checkpoint, device=args.device,
        backend=args.backend, threads=args.threads, det_interval=args.det_interval,
        person_id=args.det_cat_id, bbox_thr=args.bbox_thr, nms_thr=args.nms_thr,
        max_people=args.max_people, kpt_thr=args.kpt_thr, smooth=args.smooth,
        trust_checkpoint=args.trust_checkpoint)


class Outputs:
    """Where the drawn frames go: pictures or a video in ``out_dir``, and/or a window."""

    def __init__(self, source: FrameSource, out_dir: Optional[str], show: bool) -> None:
        self.source, self.out_dir, self.show = source, out_dir, show
        self.video: Optional[cv2.VideoWriter] = None
        self.written: List[str] = []
        self.seconds = 0.0

    def add(self, result: FrameResult) -> bool:
        """Save and/or show one drawn frame; False when the user closed the window."""
        start = time.perf_counter()
        image = result.visualization
        if self.out_dir and self.source.is_video:
            self._video(image).write(image)
        elif self.out_dir:
            path = osp.join(self.out_dir, result.name)
            cv2.imwrite(path, image)
            self.written.append(path)
        keep_going = True
        if self.show:
            cv2.imshow('pose', image)
            keep_going = cv2.waitKey(1) & 0xFF not in (ord('q'), 27)
        self.seconds += time.perf_counter() - start
        return keep_going

    def _video(self, image: np.ndarray) -> cv2.VideoWriter:
        if self.video is None:
            path = osp.join(self.out_dir, f'{source_stem(self.source)}_pose.mp4')
            height, width = image.shape[:2]
            self.video = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'),
                                         self.source.fps, (width, height))
            self.written.append(path)
        return self.video

    def close(self) -> None:
        if self.video is not None:
            self.video.release()
        if self.show:
            cv2.destroyAllWindows()


def source_stem(source: FrameSource) -> str:
    """A file-name stem for the outputs of ``source``."""
    name = source.name.rstrip('/\\')
    return osp.splitext(osp.basename(name))[0].replace(':', '') or 'input'


def progress(results: Iterator[FrameResult], source: FrameSource) -> Iterator[FrameResult]:
    """A progress bar in frames per second, for folders and videos."""
    if source.num_frames == 1:
        return results
    return tqdm(results, total=source.num_frames, unit='frame', dynamic_ncols=True)


def main() -> None:
    args = parse_args()
    source = open_source(args.input)  # fails early, naming a missing or unreadable input
    if args.det_file and source.is_video:
        raise SystemExit('--det-file holds boxes of images; use --det-config for videos')
    boxes = (load_detections(args.det_file, args.det_ann_file, args.bbox_thr)
             if args.det_file else None)
    image_ids = image_names(args.det_ann_file) if args.det_ann_file else {}
    ids_by_name = {name: image_id for image_id, name in image_ids.items()}
    inferencer = build_inferencer(args)
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
    outputs = Outputs(source, args.out_dir, args.show)
    records = []
    try:
        for result in progress(inferencer(source, boxes, draw=True, draw_bbox=args.draw_bbox),
                               source):
            records += result.coco_records(ids_by_name.get(result.name))
            if not outputs.add(result):
                break
    finally:
        outputs.close()
    for path in outputs.written:
        print(f'wrote {path}')
    if args.save_json:
        path = osp.join(args.out_dir, f'{source_stem(source)}.keypoints.json')
        print(f'wrote {path} ({dump_coco_results(records, path)} people)')
    print(f'{inferencer.times.summary()}; writing and showing {outputs.seconds:.2f} s')


if __name__ == '__main__':
    main()
