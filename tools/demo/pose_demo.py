"""Pose estimation on your own photos, folders, videos or webcam: people found by a detector
(or given as boxes), their keypoints by a top-down pose model, drawn and saved.

    python tools/demo/pose_demo.py POSE_CONFIG POSE_CKPT --input IMG|DIR|VIDEO|webcam[:INDEX]
        [--det-config DET_CONFIG [--det-checkpoint DET_CKPT] [--det-interval K]
         [--bbox-thr 0.3] [--nms-thr 0.3] [--max-people N] [--det-cat-id ID]]
        [--det-file DETS.json --det-ann-file ANN.json]
        [--out-dir DIR] [--save-json] [--show] [--smooth] [--draw-bbox] [--draw-heatmap]
        [--draw-mask] [--kpt-thr 0.3]
        [--backend auto|pytorch|deploy|onnxruntime|openvino] [--threads N] [--streams S]
        [--device cpu]

People: an mmdet detector (``--det-config``, its weights ``--det-checkpoint``, a file or URL;
without it, the config's ``load_from`` if that is a local file, else an error: nothing is
downloaded unasked; ``make demo-detector`` trains one on the bundled sample); or boxes from a
COCO-format detection file (``image_id``, ``bbox`` as x, y, w, h, ``score``) whose image ids are
matched to file names by the ``images`` of a COCO annotation file; without either, the whole
frame is one person (a warning says so: photos of several or small people get scattered
keypoints). In videos, ``--det-interval K`` runs the detector on every K-th frame and follows
people by their keypoints in between. ``--backend auto`` (the default) runs the pose model in
the fastest runtime installed on a CPU, in PyTorch on CUDA; the demo prints which ran.

Outputs: ``--out-dir`` gets one picture per image, or ``<video>_pose.mp4`` at the input's
frame rate; ``--save-json`` adds ``<input>.keypoints.json`` there (COCO results: one record per
person per frame, written as the frames come; with a pose model that has a mask head, each
record also carries the person's silhouette as a COCO RLE ``segmentation``, so the file is
scored by COCO's segm evaluation as well as its keypoint one); ``--show`` opens a window (q or
Esc stops). ``--draw-heatmap`` puts the frame with each person's summed heatmaps (placed where
their crop came from) to the right of the skeletons, so pictures and videos are twice as wide.
``--draw-mask`` (a model with a mask head only) draws each person's silhouette,
semi-transparent, in a colour per person (per track in videos), under the skeletons. The time
spent decoding, detecting, estimating poses and drawing is printed at the end.

No output may replace an input (the run is refused before it starts), and a write that fails is
an error, never a "wrote". In a folder, an image that cannot be read (empty, corrupt, not a
regular file) is skipped and named, the others are processed and saved, and the summary counts
the skipped ones; the run fails only when none could be read.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from typing import Dict, Iterator, List, Optional

import cv2
import numpy as np
from tqdm import tqdm

from engine import (VideoOutput, add_inference_arguments, refuse_overwriting_inputs,
                    write_image)
from pose.apis import CocoResultsWriter, FrameResult, PoseInferencer, open_source
from pose.apis.detection import load_detector_config
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
                          help="detector weights, file or URL (default: the config's load_from "
                          'when it is a local file)')
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
    parser.add_argument('--draw-heatmap', action='store_true',
                        help="each person's heatmaps, summed, beside the skeletons")
    parser.add_argument('--draw-mask', action='store_true',
                        help="each person's silhouette under the skeletons (needs a model with "
                        'a mask head)')
    add_inference_arguments(parser, default_backend='auto')
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
    ``thr``.

    Raises:
        ValueError: naming the file, and the record, when it is not a list of COCO detections
            (``image_id``, ``bbox`` as four numbers, ``score``) of images ``ann_file`` lists.
    """
    detections = read_json(det_file)
    if not isinstance(detections, list):
        raise ValueError(f'{det_file}: expected a list of detections, got a '
                         f'{type(detections).__name__}')
    names = image_names(ann_file)
    boxes = defaultdict(list)
    for index, det in enumerate(detections):
        problem = detection_problem(det, names)
        if problem:
            raise ValueError(f'{det_file}: detection #{index} {problem}')
        if det.get('category_id', 1) == 1 and det['score'] >= thr:
            x, y, w, h = det['bbox']
            boxes[names[det['image_id']]].append([x, y, x + w, y + h, det['score']])
    return {name: np.array(b, dtype=np.float32) for name, b in boxes.items()}


def detection_problem(det: object, names: Dict[int, str]) -> Optional[str]:
    """What is wrong with one detection record, or None."""
    if not isinstance(det, dict):
        return f'is a {type(det).__name__}, not an object'
    missing = [key for key in ('image_id', 'bbox', 'score') if key not in det]
    if missing:
        return f'lacks {", ".join(missing)}'
    bbox, score = det['bbox'], det['score']
    if not (isinstance(bbox, list) and len(bbox) == 4 and all(is_number(v) for v in bbox)):
        return f'has bbox {str(bbox)[:80]}, not four numbers x, y, w, h'
    if not is_number(score):
        return f'has score {str(score)[:80]}, not a number'
    if det['image_id'] not in names:
        return f'refers to image_id {str(det["image_id"])[:40]}, which the annotation file ' \
            'does not list'
    return None


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        bool(np.isfinite(value))


def image_names(ann_file: str) -> Dict[int, str]:
    """COCO image id -> file name, from an annotation file's ``images``.

    Raises:
        ValueError: naming the file when it has no such list.
    """
    images = read_json(ann_file)
    images = images.get('images') if isinstance(images, dict) else None
    if not isinstance(images, list) or not all(
            isinstance(img, dict) and 'id' in img and 'file_name' in img for img in images):
        raise ValueError(f'{ann_file}: expected a COCO annotation file whose "images" list '
                         'gives each image\'s "id" and "file_name"')
    return {img['id']: img['file_name'] for img in images}


def read_json(path: str) -> object:
    """The content of a json file; errors name it."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} does not exist')
    try:
        with open(path) as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f'{path}: not valid json ({error})') from None


def detector_weights(det_config: str, det_checkpoint: Optional[str]) -> str:
    """``--det-checkpoint``, else the config's ``load_from`` when it is a local file.

    Raises:
        SystemExit: saying what to pass when neither gives local weights (a URL in
            ``load_from`` is not downloaded unasked).
    """
    load_from = load_detector_config(det_config).get('load_from')  # refuses a non-detector
    if det_checkpoint:
        return det_checkpoint
    if load_from and osp.isfile(load_from):
        return load_from
    found = f'its load_from is {load_from}, which is not a local file' if load_from else \
        'it names no weights (load_from)'
    raise SystemExit(f'--det-config {det_config} needs --det-checkpoint: {found}. Pass the '
                     'weights as --det-checkpoint FILE or URL (a URL is downloaded once), or '
                     'train a detector on the bundled sample with `make demo-detector`.')


def build_inferencer(args: argparse.Namespace) -> PoseInferencer:
    det_checkpoint = args.det_checkpoint
    if args.det_config:
        det_checkpoint = detector_weights(args.det_config, det_checkpoint)
    elif not args.det_file:
        print('warning: no detector (--det-config) and no boxes (--det-file): each frame is '
              'taken as one person, so photos of several or small people get scattered '
              'keypoints; `make demo-detector` trains a local person detector', file=sys.stderr)
    return PoseInferencer(
        args.config, args.checkpoint, args.det_config, det_checkpoint, device=args.device,
        backend=args.backend, threads=args.threads, streams=args.streams,
        det_interval=args.det_interval,
        person_id=args.det_cat_id, bbox_thr=args.bbox_thr, nms_thr=args.nms_thr,
        max_people=args.max_people, kpt_thr=args.kpt_thr, smooth=args.smooth,
        heatmaps=args.draw_heatmap,
        trust_checkpoint=args.trust_checkpoint)


class Outputs:
    """Where the drawn frames go: pictures or a video in ``out_dir``, and/or a window."""

    def __init__(self, source: FrameSource, out_dir: Optional[str], show: bool) -> None:
        self.source, self.out_dir, self.show = source, out_dir, show
        self.video: Optional[VideoOutput] = None
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
            write_image(path, image)
            self.written.append(path)
        keep_going = True
        if self.show:
            cv2.imshow('pose', image)
            keep_going = cv2.waitKey(1) & 0xFF not in (ord('q'), 27)
        self.seconds += time.perf_counter() - start
        return keep_going

    def video_path(self) -> str:
        return osp.join(self.out_dir, f'{source_stem(self.source)}_pose.mp4')

    def _video(self, image: np.ndarray) -> VideoOutput:
        if self.video is None:
            height, width = image.shape[:2]
            self.video = VideoOutput(self.video_path(), self.source.fps, (width, height))
        return self.video

    def close(self) -> None:
        if self.show:
            cv2.destroyAllWindows()
        if self.video is not None:
            self.video.close()
            self.written.append(self.video.path)


def planned_outputs(source: FrameSource, outputs: Outputs, save_json: bool) -> List[str]:
    """Every file the run will write, known before it starts."""
    if not outputs.out_dir:
        return []
    planned = [outputs.video_path()] if source.is_video else [
        osp.join(outputs.out_dir, osp.basename(path)) for path in getattr(source, 'paths', [])]
    if save_json:
        planned.append(json_path(source, outputs.out_dir))
    return planned


def input_files(args: argparse.Namespace, source: FrameSource) -> List[str]:
    """Every file the run reads."""
    files = getattr(source, 'paths', [source.name])
    return [args.config, args.checkpoint, args.det_config, args.det_checkpoint, args.det_file,
            args.det_ann_file, *files]


def json_path(source: FrameSource, out_dir: str) -> str:
    return osp.join(out_dir, f'{source_stem(source)}.keypoints.json')


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
    # Fails early, naming a missing or unopenable input; a folder's unreadable images are
    # passed over, named and counted at the end.
    source = open_source(args.input, skip_unreadable=True)
    if args.det_file and source.is_video:
        raise SystemExit('--det-file holds boxes of images; use --det-config for videos')
    outputs = Outputs(source, args.out_dir, args.show)
    inputs = input_files(args, source)
    for path in planned_outputs(source, outputs, args.save_json):
        refuse_overwriting_inputs(path, inputs)
    boxes = (load_detections(args.det_file, args.det_ann_file, args.bbox_thr)
             if args.det_file else None)
    image_ids = image_names(args.det_ann_file) if args.det_ann_file else {}
    ids_by_name = {name: image_id for image_id, name in image_ids.items()}
    inferencer = build_inferencer(args)
    chosen = ' (--backend auto: the fastest installed on a CPU, PyTorch on CUDA)' \
        if args.backend == 'auto' else ''
    print(f'pose model backend: {inferencer.backend}{chosen}')
    # Refuses --draw-mask without a mask head before any output is made.
    results = inferencer(source, boxes, draw=True, draw_bbox=args.draw_bbox,
                         draw_mask=args.draw_mask)
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
    with ExitStack() as stack:
        # Streamed, frame by frame: a long video's records (and masks) are not all kept.
        json_out = stack.enter_context(CocoResultsWriter(json_path(source, args.out_dir))) \
            if args.save_json else None
        stack.callback(outputs.close)
        for result in progress(results, source):
            if json_out is not None:
                json_out.write(result.coco_records(ids_by_name.get(result.name)))
            if not outputs.add(result):
                break
    for path in outputs.written:
        print(f'wrote {path}')
    if json_out is not None:
        print(f'wrote {json_out.path} ({json_out.count} people)')
    print(f'{inferencer.times.summary()}; writing and showing {outputs.seconds:.2f} s')
    report_skipped(source)


def report_skipped(source: FrameSource) -> None:
    """Name the images that could not be read; fail when none could."""
    skipped = getattr(source, 'skipped', [])
    for path, reason in skipped:
        print(f'skipped {path}: {reason}', file=sys.stderr)
    if skipped:
        total = len(source.paths)
        print(f'skipped {len(skipped)} of {total} images (named above)', file=sys.stderr)
        if len(skipped) == total:
            raise ValueError(f'cannot read image {skipped[0][0]}: {skipped[0][1]} (no image of '
                             f'{source.name} could be read)')


if __name__ == '__main__':
    main()
