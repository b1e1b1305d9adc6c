"""PCKh on MPII with the standard protocol (per-part scores, weighted mean, PCKh@0.1)."""
from typing import Dict, Optional, Sequence, Union

from mmengine.logging import MMLogger

from pose.registry import METRICS
from ..functional import (MPII_PUBLISHED_PCKH01_THR, mpii_joint_pckh, mpii_part_scores,
                          weighted_mean_pckh)
from .pck_accuracy import PCKAccuracy, _stack


@METRICS.register_module()
class MpiiPCKAccuracy(PCKAccuracy):
    """MPII PCKh in percent, as the MATLAB/HRNet evaluation and mmpose report it.

    Distances are divided by ``gt_instances['head_size']`` (0.6 x head-box diagonal); a joint
    is correct at or below ``thr`` (0.5; ``<=`` as the MATLAB, HRNet and mmpose 0.x code,
    where mmpose 1.x uses ``<``). Reported keys: ``Head``, ``Shoulder``, ``Elbow``,
    ``Wrist``, ``Hip``, ``Knee``, ``Ankle`` (left/right averaged), ``PCKh`` (mean over the
    joints except pelvis and thorax, weighted by their visible counts), ``PCK`` (= ``PCKh``,
    mmpose's key, for ``save_best='PCK'``) and two PCKh@0.1 figures:

    - ``PCKh@0.1``: the same mean at threshold 0.1 (mmpose 1.x's ``PCKh@0.1``);
    - ``PCKh@0.11``: at threshold 0.11, which is what the published "Mean@0.1" column of
      the Lite-HRNet (and HRNet, mmpose 0.x) MPII tables measures: their evaluation took
      row 11 of the threshold sweep ``np.arange(0, 0.51, 0.01)`` (see
      :data:`pose.evaluation.functional.pckh.MPII_PUBLISHED_PCKH01_THR`). Compare it, not
      ``PCKh@0.1``, with those tables.

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
        """Per-part PCKh, mean PCKh, PCKh@0.1 and PCKh@0.11 (percent) over the 16 joints."""
        logger = MMLogger.get_current_instance()
        logger.info(f'Evaluating {self.__class__.__name__} (normalized by head size)...')
        pred, gt, mask = _stack(results, 'pred_coords'), _stack(results, 'gt_coords'), _stack(
            results, 'mask').astype(bool)
        # head sizes are stored twice (once per axis) for PCKAccuracy; one is enough here
        head_size = _stack(results, 'head_size')[:, 0]
        if pred.shape[1] != 16:
            raise ValueError(f'MpiiPCKAccuracy expects the 16 MPII joints, got {pred.shape[1]}')
        jnt_count = mask.sum(axis=0)

        def mean_pckh(thr: float) -> float:
            return weighted_mean_pckh(mpii_joint_pckh(pred, gt, mask, head_size, thr),
                                      jnt_count)

        metrics = mpii_part_scores(mpii_joint_pckh(pred, gt, mask, head_size, self.thr))
        metrics['PCKh'] = mean_pckh(self.thr)
        metrics['PCKh@0.1'] = mean_pckh(0.1)
        metrics['PCKh@0.11'] = mean_pckh(MPII_PUBLISHED_PCKH01_THR)
        metrics['PCK'] = metrics['PCKh']
        logger.info('PCKh@0.11 is the published tables\' "Mean@0.1" (HRNet and mmpose 0.x '
                    'read it at threshold 0.11); PCKh@0.1 is at 0.1, as mmpose 1.x')
        return metrics
