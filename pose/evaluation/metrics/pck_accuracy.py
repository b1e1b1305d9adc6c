"""PCK accuracy for custom datasets, normalised by box, head or torso size."""
import warnings
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from pose.registry import METRICS
from ..functional import keypoint_pck_accuracy
from .utils import to_numpy, visible_mask

# normaliser -> reported key (mmpose's names)
NORM_ITEM_KEYS = {'bbox': 'PCK', 'head': 'PCKh', 'torso': 'tPCK'}


@METRICS.register_module()
class PCKAccuracy(BaseMetric):
    """Percentage of Correct Keypoints, averaged over keypoints (values in [0, 1]).

    A keypoint is correct when its distance to the ground truth, divided by the instance's
    normaliser, is below ``thr``. Invisible ground-truth keypoints are ignored.

    Args:
        thr: threshold on the normalised distance.
        norm_item: one or several of ``'bbox'`` (the longer side of the ground-truth box,
            reported as ``PCK``), ``'head'`` (``gt_instances['head_size']``, ``PCKh``) and
            ``'torso'`` (distance between two ground-truth keypoints, ``tPCK``).
        torso_indices: the two keypoints spanning the torso; JHMDB's shoulders (4, 5) as in
            mmpose.
        collect_device: ``'cpu'`` or ``'gpu'``, for gathering results across ranks.
        prefix: key prefix; none by default, as in mmpose, so configs use ``save_best='PCK'``.
    """

    def __init__(self,
                 thr: float = 0.05,
                 norm_item: Union[str, Sequence[str]] = 'bbox',
                 torso_indices: Sequence[int] = (4, 5),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.thr = thr
        self.norm_item: List[str] = [norm_item] if isinstance(norm_item, str) else list(norm_item)
        for item in self.norm_item:
            if item not in NORM_ITEM_KEYS:
                raise KeyError(f'{self.__class__.__name__}: norm_item should be among '
                               f'{tuple(NORM_ITEM_KEYS)}, got {item!r}')
        self.torso_indices = tuple(torso_indices)

    def process(self, data_batch: Sequence[dict], data_samples: Sequence[dict]) -> None:
        """Keep, per sample, predicted and true keypoints, visibility and normalisers.

        Args:
            data_batch: the dataloader's batch (unused).
            data_samples: dicts with ``pred_instances['keypoints']`` (N, K, 2) and
                ``gt_instances`` with ``keypoints`` (N, K, 2), ``keypoints_visible`` (N, K),
                and ``bboxes`` (N, 4) xyxy or ``head_size`` (N,) as ``norm_item`` needs.
        """
        for sample in data_samples:
            gt = sample['gt_instances']
            pred_coords = to_numpy(sample['pred_instances']['keypoints'])
            gt_coords = to_numpy(gt['keypoints'])
            num = len(gt_coords)
            result = dict(pred_coords=pred_coords, gt_coords=gt_coords,
                          mask=visible_mask(gt, num))
            for item in self.norm_item:
                result[f'{item}_size'] = np.repeat(
                    self._norm_size(item, gt, pred_coords, gt_coords)[:, None], 2, axis=1)
            self.results.append(result)

    def _norm_size(self, item: str, gt: dict, pred_coords: np.ndarray,
                   gt_coords: np.ndarray) -> np.ndarray:
        """(N,) normaliser of each instance for one ``norm_item``."""
        if item == 'bbox':
            if 'bboxes' not in gt:
                raise KeyError("norm_item 'bbox' needs gt_instances['bboxes']")
            bboxes = to_numpy(gt['bboxes']).reshape(-1, 4)
            return np.max(bboxes[:, 2:] - bboxes[:, :2], axis=1)
        if item == 'head':
            if 'head_size' not in gt:
                raise KeyError("norm_item 'head' needs gt_instances['head_size']")
            return to_numpy(gt['head_size']).reshape(-1)
        return self._torso_size(pred_coords, gt_coords)

    def _torso_size(self, pred_coords: np.ndarray, gt_coords: np.ndarray) -> np.ndarray:
        """(N,) torso length; the prediction's where the annotated torso is degenerate (< 1)."""
        i, j = self.torso_indices
        size = np.linalg.norm(gt_coords[:, i] - gt_coords[:, j], axis=-1)
        degenerate = size < 1
        if degenerate.any():
            warnings.warn('Ground-truth torso size < 1: using the predicted torso size.')
            size[degenerate] = np.linalg.norm(pred_coords[degenerate, i] -
                                              pred_coords[degenerate, j], axis=-1)
        return size

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Returns ``{'PCK': ..., 'PCKh': ..., 'tPCK': ...}`` for the chosen normalisers."""
        pred, gt, mask = _stack(results, 'pred_coords'), _stack(results, 'gt_coords'), _stack(
            results, 'mask')
        metrics = {}
        for item in self.norm_item:
            MMLogger.get_current_instance().info(
                f'Evaluating {self.__class__.__name__} (normalized by {item} size)...')
            _, avg_acc, _ = keypoint_pck_accuracy(pred, gt, mask, self.thr,
                                                  _stack(results, f'{item}_size'))
            metrics[NORM_ITEM_KEYS[item]] = avg_acc
        return metrics


def _stack(results: list, key: str) -> np.ndarray:
    """Concatenate one field of all results along the instance axis."""
    return np.concatenate([result[key] for result in results])
