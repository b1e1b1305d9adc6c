"""PCKh on MPII with the standard protocol (per-part scores, weighted mean, PCKh@0.1)."""
from typing import Dict, Optional, Sequence, Union

import numpy as np
from mmengine.logging import MMLogger

from pose.registry import METRICS
from ..functional import keypoint_pck_accuracy, mpii_part_scores, weighted_mean_pckh
from .pck_accuracy import PCKAccuracy, _stack


@METRICS.register_module()
class MpiiPCKAccuracy(PCKAccuracy):
    """MPII PCKh in percent, as the MATLAB/HRNet evaluation and mmpose report it.

    Distances are divided by ``gt_instances['head_size']`` (0.6 x head-box diagonal); a joint
    is correct below ``thr`` (0.5). Reported keys: ``Head``, ``Shoulder``, ``Elbow``,
    ``Wrist``, ``Hip``, ``Knee``, ``Ankle`` (left/right averaged), ``PCKh`` (mean over the
    joints except pelvis and thorax, weighted by their visible counts), ``PCKh@0.1`` (the same
    at threshold 0.1) and ``PCK`` (= ``PCKh``, mmpose's key, for ``save_best='PCK'``).

    Coordinates: predictions are compared with ``gt_instances['keypoints']`` in whatever frame
    the dataset keeps them; no offset is added. HRNet and mmpose 0.x subtract 1 from the
    (1-based, MATLAB) json joints when loading and add 1 to the predictions before comparing
    with the 1-based ``pos_gt_src`` of the mat, which is the same comparison. mmpose 1.x keeps
    the json joints as they are but still adds 1 to the predictions, shifting them by a pixel;
    that is not copied here.

    Args:
        thr: PCKh threshold, 0.5 for the standard PCKh@0.5.
        norm_item: must be ``'head'``; kept for config compatibility with mmpose.
        collect_device: ``'cpu'`` or ``'gpu'``, for gathering results across ranks.
        prefix: key prefix; none by default.
    """

    def __init__(self,
                 thr: float = 0.5,
                 norm_item: Union[str, Sequence[str]] = 'head',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(thr=thr, norm_item=norm_item, collect_device=collect_device,
                         prefix=prefix)
        if self.norm_item != ['head']:
            raise ValueError(f"MpiiPCKAccuracy normalises by head size only (norm_item='head'), "
                             f'got {norm_item!r}')

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Per-part PCKh, mean PCKh and PCKh@0.1 (percent) over the 16 MPII joints."""
        MMLogger.get_current_instance().info(
            f'Evaluating {self.__class__.__name__} (normalized by head size)...')
        pred, gt, mask = _stack(results, 'pred_coords'), _stack(results, 'gt_coords'), _stack(
            results, 'mask')
        head_size = _stack(results, 'head_size')
        if pred.shape[1] != 16:
            raise ValueError(f'MpiiPCKAccuracy expects the 16 MPII joints, got {pred.shape[1]}')
        jnt_count = mask.sum(axis=0)
        pckh = self._per_joint_pckh(pred, gt, mask, self.thr, head_size)
        pckh_01 = self._per_joint_pckh(pred, gt, mask, 0.1, head_size)
        metrics = mpii_part_scores(pckh)
        metrics['PCKh'] = weighted_mean_pckh(pckh, jnt_count)
        metrics['PCKh@0.1'] = weighted_mean_pckh(pckh_01, jnt_count)
        metrics['PCK'] = metrics['PCKh']
        return metrics

    @staticmethod
    def _per_joint_pckh(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray, thr: float,
                        head_size: np.ndarray) -> np.ndarray:
        """(16,) PCKh in percent per joint; NaN for a joint never visible (as in MATLAB)."""
        acc, _, _ = keypoint_pck_accuracy(pred, gt, mask, thr, head_size)
        return np.where(acc >= 0, 100.0 * acc, np.nan)
