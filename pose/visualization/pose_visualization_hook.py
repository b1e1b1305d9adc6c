"""Draw validation predictions during training, beside the ground truth."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, NamedTuple, Optional, Sequence

import cv2
import numpy as np
from mmengine.hooks import Hook
from mmengine.runner import Runner

from pose.registry import HOOKS

from .draw_masks import draw_masks, person_colors
from .draw_pose import draw_pose, scaled_sizes
from .panels import caption, side_by_side


class Person(NamedTuple):
    """What the hook keeps of one validation sample (one person), in image pixels."""
    gt_keypoints: np.ndarray  # (1, K, 2)
    gt_visible: np.ndarray  # (1, K)
    keypoints: np.ndarray  # (1, K, 2) predicted
    keypoint_scores: np.ndarray  # (1, K)
    mask: Optional[np.ndarray] = None  # (1, H, W) bool predicted silhouette (a mask head's)


@HOOKS.register_module()
class PoseVisualizationHook(Hook):
    """Every ``interval`` validations, draw the first ``num_images`` validation images: the
    ground-truth skeletons (left) beside the predicted ones (right), with the dataset's own
    links and colours (its metainfo), predicted keypoints scoring below ``score_thr`` faded.
    A model with a mask head has its predicted silhouettes (``pred_instances.masks``) drawn
    under the predicted skeletons, semi-transparent, a colour per person.

    The pictures go to the runner's visualizer (``add_image``, step = the epoch): with
    ``LocalVisBackend`` into ``<work_dir>/<timestamp>/vis_data/vis_image/
    val_<image>_<epoch>.png``, and into TensorBoard when its backend is on. A top-down sample
    is one person; an image shows all its people of the validation set.

    Args:
        enable: off in the published configs (no drawing cost on a cluster), on in the demos.
        interval: draw at every ``interval``-th validation.
        num_images: how many validation images (the first ones, in loader order).
        score_thr: predicted keypoints below it are drawn faded, at ``faded_alpha``.
    """

    priority = 'LOW'

    def __init__(self, enable: bool = False, interval: int = 1, num_images: int = 4,
                 score_thr: float = 0.3, faded_alpha: float = 0.35) -> None:
        if interval < 1 or num_images < 1:
            raise ValueError(f'interval and num_images must be at least 1, got {interval} '
                             f'and {num_images}')
        self.enable, self.interval, self.num_images = enable, interval, num_images
        self.score_thr, self.faded_alpha = score_thr, faded_alpha
        self._validations = 0
        self._people: Dict[str, List[Person]] = OrderedDict()

    def before_val_epoch(self, runner: Runner) -> None:
        self._validations += 1
        self._people.clear()

    @property
    def _drawing(self) -> bool:
        return self.enable and self._validations % self.interval == 0

    def after_val_iter(self, runner: Runner, batch_idx: int, data_batch: Optional[dict] = None,
                       outputs: Optional[Sequence] = None) -> None:
        """Keep the people of the first ``num_images`` images (outputs: PoseDataSamples)."""
        if not self._drawing:
            return
        for sample in outputs or ():
            path = sample.metainfo.get('img_path')
            if path is None or (path not in self._people and
                                len(self._people) >= self.num_images):
                continue
            gt, pred = sample.gt_instances, sample.pred_instances
            self._people.setdefault(path, []).append(
                Person(gt.keypoints, gt.keypoints_visible, pred.keypoints,
                       pred.keypoint_scores, pred.get('masks', None)))

    def after_val_epoch(self, runner: Runner, metrics: Optional[dict] = None) -> None:
        if not self._drawing or not self._people:
            return
        meta = runner.val_loop.dataloader.dataset.metainfo
        written = []
        for path, people in self._people.items():
            image = cv2.imread(path, cv2.IMREAD_COLOR)
            if image is None:
                runner.logger.warning(f'PoseVisualizationHook: cannot read {path}; not drawn')
                continue
            picture = self.draw(image, people, meta)
            name = f'val_{osp.splitext(osp.basename(path))[0]}'
            runner.visualizer.add_image(name, cv2.cvtColor(picture, cv2.COLOR_BGR2RGB),
                                        step=runner.epoch)
            written.append(f'{name}_{runner.epoch}.png')
        self._people.clear()
        if written:
            runner.logger.info(f'PoseVisualizationHook: drew {", ".join(written)} into the '
                               "visualizer's backends (vis_data/vis_image/ for the local one)")

    def draw(self, image: np.ndarray, people: List[Person], meta: dict) -> np.ndarray:
        """(H + caption, 2 W + gap, 3) BGR: ``image`` with the ground truth, beside it with the
        predictions (over the predicted silhouettes, when the people have masks)."""
        gt_kpts = np.concatenate([person.gt_keypoints for person in people])
        gt_visible = np.concatenate([person.gt_visible for person in people])
        pred_kpts = np.concatenate([person.keypoints for person in people])
        pred_scores = np.concatenate([person.keypoint_scores for person in people])
        radius, thickness = scaled_sizes(*image.shape[:2])
        style = dict(skeleton=meta['skeleton_links'], keypoint_colors=meta['keypoint_colors'],
                     link_colors=meta['skeleton_link_colors'], radius=radius,
                     thickness=thickness)
        truth = draw_pose(image, gt_kpts, (gt_visible > 0).astype(np.float32), score_thr=0.5,
                          **style)
        predicted = draw_pose(self._silhouettes(image, people, thickness), pred_kpts,
                              pred_scores, score_thr=self.score_thr,
                              faded_alpha=self.faded_alpha, **style)
        return side_by_side([caption(truth, 'ground truth'),
                             caption(predicted, f'prediction (faded: score < {self.score_thr})')])

    @staticmethod
    def _silhouettes(image: np.ndarray, people: List[Person], thickness: int) -> np.ndarray:
        """``image`` with the people's predicted masks drawn, a colour per person (their
        order in the image); ``image`` itself when no person has one."""
        masks = [person.mask for person in people if person.mask is not None]
        if not masks:
            return image
        return draw_masks(image, np.concatenate(masks), person_colors(range(len(masks))),
                          outline=max(1, thickness - 1))
