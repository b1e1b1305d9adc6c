"""End-to-end frames per second of pose estimation on a video: decode, person detection and
top-down pose, as ``tools/demo/pose_demo.py`` runs them (drawing and writing off).

    python tools/analysis/benchmark_pipeline.py [--pose-config CFG] [--det-config CFG]
        [--people 1 5] [--backend pytorch deploy onnxruntime] [--det-interval 1 5]
        [--frames 40] [--repeats 3] [--threads 2] [--streams S] [--size 640 480] [--no-flip]

The video is made from the bundled COCO sample: a picture with ``--people`` annotated persons
(1: 000000000785.jpg, 5: 000000196141.jpg) resized to ``--size``, repeated ``--frames`` times,
written as MJPG (OpenCV decodes it back during the run). Both models keep their untrained
weights, which leaves the number of people to chance; so the detector is the real one run on
every frame it is asked to (the network, mmdet's post-processing, our filtering), whose output
is then replaced by the picture's annotated boxes: exactly ``--people`` people per frame. With
``--det-interval`` K > 1 the frames between detections take their boxes from the previous
frame's keypoints; an untrained model's keypoints lie anywhere in their crops, so the boxes so
computed are then replaced by the annotated ones, as a trained model's keypoints would keep
them (the cost is the same: following is a min and max over 17 points per person).

Each configuration runs the video once untimed (building the ONNX graphs, warming the caches),
then ``--repeats`` times, and reports the fastest of those passes: on a shared machine the
other passes measure the neighbours too. Prints a Markdown table: fps, and milliseconds per
frame spent decoding, detecting (averaged over all frames) and estimating poses.
"""
import argparse
import itertools
import json
import os.path as osp
import tempfile
from typing import Dict, List

import cv2
import numpy as np
import torch

from pose.apis import Detections, MMDetPersonDetector, PoseInferencer, StageTimes
from pose.apis.inferencer import _VideoState

SAMPLES = 'data/samples/coco'
PICTURES = {1: '000000000785.jpg', 5: '000000196141.jpg'}  # by their number of people


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pose-config',
                        default='configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py')
    parser.add_argument('--det-config', default='configs/det/rtmdet_nano_320-8xb32_coco-person.py')
    parser.add_argument('--people', type=int, nargs='+', choices=sorted(PICTURES),
                        default=[1, 5])
    parser.add_argument('--backend', nargs='+', default=['pytorch', 'deploy', 'onnxruntime'])
    parser.add_argument('--det-interval', type=int, nargs='+', default=[1, 5])
    parser.add_argument('--frames', type=int, default=40)
    parser.add_argument('--repeats', type=int, default=3, help='timed passes; the fastest counts')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--streams', type=int, default=0,
                        help="the pose runtime's streams (0: PoseInferencer's default)")
    parser.add_argument('--size', type=int, nargs=2, default=[640, 480], metavar=('W', 'H'))
    parser.add_argument('--no-flip', action='store_true',
                        help='turn the flip test off (the config has it on)')
    return parser.parse_args()


class AnnotatedPeople:
    """The real detector's work on every frame, then the annotated boxes as its answer."""

    def __init__(self, detector: MMDetPersonDetector, boxes: np.ndarray) -> None:
        self.detector, self.boxes = detector, boxes

    def __call__(self, image: np.ndarray) -> Detections:
        self.detector(image)
        return Detections(self.boxes, np.ones(len(self.boxes), np.float32))


class FollowingAnnotatedPeople(PoseInferencer):
    """Follows people from their keypoints between detections, as the inferencer does, then
    answers with the annotated boxes (see the module's docstring)."""

    def _followed(self, state: _VideoState, image_size: tuple) -> Detections:
        followed = super()._followed(state, image_size)
        if len(followed) == 0:
            return followed
        boxes = self.detector.boxes
        return Detections(boxes, np.ones(len(boxes), np.float32))


def annotated_boxes(name: str, size: tuple) -> np.ndarray:
    """(N, 4) x1, y1, x2, y2 of the annotated people of sample ``name``, in a picture resized
    to ``size`` (W, H)."""
    with open(osp.join(SAMPLES, 'test_coco.json')) as f:
        coco = json.load(f)
    image = next(i for i in coco['images'] if i['file_name'] == name)
    scale = np.array([size[0] / image['width'], size[1] / image['height']] * 2)
    boxes = [a['bbox'] for a in coco['annotations'] if a['image_id'] == image['id']]
    return np.array([[x, y, x + w, y + h] for x, y, w, h in boxes], np.float32) * scale


def write_video(name: str, size: tuple, frames: int, folder: str) -> str:
    path = osp.join(folder, f'{osp.splitext(name)[0]}_{size[0]}x{size[1]}.avi')
    picture = cv2.resize(cv2.imread(osp.join(SAMPLES, name)), tuple(size))
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'MJPG'), 25.0, tuple(size))
    for _ in range(frames):
        writer.write(picture)
    writer.release()
    return path


def run(inferencer: PoseInferencer, video: str) -> StageTimes:
    for result in inferencer(video):
        assert len(result) == len(inferencer.detector.boxes), 'a person was lost'
    return inferencer.times


def row(times: StageTimes, backend: str, people: int, interval: int) -> str:
    per_frame = {stage: 1000 * getattr(times, stage) / times.frames
                 for stage in ('decode', 'detection', 'pose')}
    return (f'| {people} | {backend} | {interval} | {times.frames / times.total:.1f} | '
            f'{per_frame["decode"]:.1f} | {per_frame["detection"]:.1f} | '
            f'{per_frame["pose"]:.1f} |')


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(1)  # decoding on one thread: the cores are the models'
    options = dict(model=dict(test_cfg=dict(flip_test=False))) if args.no_flip else None
    detector = MMDetPersonDetector(args.det_config)
    lines: List[str] = [
        '| people | pose backend | det interval | fps | decode ms | detection ms | pose ms |',
        '|---|---|---|---|---|---|---|']
    with tempfile.TemporaryDirectory() as folder:
        videos: Dict[int, str] = {n: write_video(PICTURES[n], args.size, args.frames, folder)
                                  for n in args.people}
        # kpt_thr -inf: every keypoint of the untrained model places the next box
        inferencers = {backend: FollowingAnnotatedPeople(
            args.pose_config, backend=backend, threads=args.threads, streams=args.streams,
            kpt_thr=-np.inf,
            pose_cfg_options=options) for backend in args.backend}
        for people, backend, interval in itertools.product(args.people, args.backend,
                                                           args.det_interval):
            inferencer = inferencers[backend]
            inferencer.detector = AnnotatedPeople(
                detector, annotated_boxes(PICTURES[people], args.size))
            inferencer.det_interval = interval
            run(inferencer, videos[people])  # warm-up: ONNX export, caches
            fastest = min((run(inferencer, videos[people]) for _ in range(args.repeats)),
                          key=lambda times: times.total)
            lines.append(row(fastest, backend, people, interval))
            print(lines[-1], flush=True)
    print(f'\n{args.size[0]}x{args.size[1]}, {args.frames} frames, fastest of {args.repeats} '
          f'passes, {args.threads} threads, flip test {"off" if args.no_flip else "on"}')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
