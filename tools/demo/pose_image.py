"""Draw the keypoints a pose model finds on images or a video.

    python tools/demo/pose_image.py CONFIG CHECKPOINT --input IMG|DIR|VIDEO --out-dir DIR
        [--det-file DETS.json --det-ann-file ANN.json --bbox-thr 0.3] [--kpt-thr 0.3] [--deploy]

Person boxes come from a COCO-format detection file (``image_id``, ``bbox`` as x, y, w, h,
``score``), whose image ids are matched to file names through the ``images`` of a COCO annotation
file; without one, the whole image (or video frame) is one person box. ``--deploy`` runs the
inference fast path (BatchNorm folded, Lite-HRNet in deploy mode).
"""
import argparse
import json
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional

import cv2
import numpy as np

from pose.apis import inference_topdown, init_model
from pose.visualization import draw_pose

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--input', required=True, help='an image, a folder of images or a video')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--det-file', help='COCO-format person detections')
    parser.add_argument('--det-ann-file', help='COCO annotation file mapping image ids to files')
    parser.add_argument('--bbox-thr', type=float, default=0.3, help='detection score threshold')
    parser.add_argument('--kpt-thr', type=float, default=0.3, help='keypoint score to draw')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow a checkpoint that needs arbitrary unpickling')
    parser.add_argument('--deploy', action='store_true',
                        help='inference fast path: BatchNorm folded, Lite-HRNet in deploy mode')
    args = parser.parse_args()
    if bool(args.det_file) != bool(args.det_ann_file):
        parser.error('--det-file and --det-ann-file go together')
    return args


def load_detections(det_file: str, ann_file: str, thr: float) -> Dict[str, np.ndarray]:
    """File name -> (N, 4) xyxy boxes of the detections scoring at least ``thr``."""
    with open(ann_file) as f:
        names = {img['id']: img['file_name'] for img in json.load(f)['images']}
    with open(det_file) as f:
        detections = json.load(f)
    boxes = defaultdict(list)
    for det in detections:
        if det.get('category_id', 1) == 1 and det['score'] >= thr:
            x, y, w, h = det['bbox']
            boxes[names[det['image_id']]].append([x, y, x + w, y + h])
    return {name: np.array(b, dtype=np.float32) for name, b in boxes.items()}


def draw(model, image: np.ndarray, bboxes: Optional[np.ndarray], kpt_thr: float) -> np.ndarray:
    samples = inference_topdown(model, image, bboxes)
    if not samples:
        return image
    keypoints = np.concatenate([s.pred_instances.keypoints for s in samples])
    scores = np.concatenate([s.pred_instances.keypoint_scores for s in samples])
    meta = model.dataset_meta
    return draw_pose(image, keypoints, scores, meta['skeleton_links'], meta['keypoint_colors'],
                     meta['skeleton_link_colors'], kpt_thr)


def image_files(path: str) -> List[str]:
    if osp.isdir(path):
        return sorted(osp.join(path, f) for f in os.listdir(path)
                      if f.lower().endswith(IMAGE_EXTENSIONS))
    return [path]


def run_video(model, path: str, out_dir: str, kpt_thr: float) -> str:
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ValueError(f'cannot open video {path}')
    fps = capture.get(cv2.CAP_PROP_FPS) or 25
    out_path = osp.join(out_dir, osp.splitext(osp.basename(path))[0] + '_pose.mp4')
    writer = None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frame = draw(model, frame, None, kpt_thr)
        if writer is None:
            writer = cv2.VideoWriter(out_path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                                     (frame.shape[1], frame.shape[0]))
        writer.write(frame)
    capture.release()
    if writer is None:
        raise ValueError(f'no frame could be read from video {path}')
    writer.release()
    return out_path


def main() -> None:
    args = parse_args()
    if not osp.exists(args.input):
        raise FileNotFoundError(f'input not found: {args.input}')
    os.makedirs(args.out_dir, exist_ok=True)
    model = init_model(args.config, args.checkpoint, device=args.device,
                       trust_checkpoint=args.trust_checkpoint, deploy=args.deploy)
    if not osp.isdir(args.input) and not args.input.lower().endswith(IMAGE_EXTENSIONS):
        print(f'wrote {run_video(model, args.input, args.out_dir, args.kpt_thr)}')
        return
    detections = (load_detections(args.det_file, args.det_ann_file, args.bbox_thr)
                  if args.det_file else None)
    for path in image_files(args.input):
        image = cv2.imread(path)
        if image is None:
            raise ValueError(f'cannot read image {path}')
        bboxes = None
        if detections is not None:
            bboxes = detections.get(osp.basename(path), np.zeros((0, 4), np.float32))
        out_path = osp.join(args.out_dir, osp.basename(path))
        cv2.imwrite(out_path, draw(model, image, bboxes, args.kpt_thr))
        print(f'wrote {out_path}')


if __name__ == '__main__':
    main()
