"""The official Cityscapes pixel-level evaluation, reporting the class mIoU as well."""
import os.path as osp
from typing import Dict

from mmengine.logging import print_log

from mmseg.evaluation import CityscapesMetric
from mmseg.registry import METRICS

try:
    import cityscapesscripts.evaluation.evalPixelLevelSemanticLabeling as CSEval
except ImportError:  # mmseg's CityscapesMetric raises the install hint in its constructor
    CSEval = None

# The summary numbers of cityscapesscripts' result dict, all in [0, 1].
SUMMARY_KEYS = ('averageScoreClasses', 'averageScoreInstClasses', 'averageScoreCategories',
                'averageScoreInstCategories')


@METRICS.register_module()
class CityscapesOfficialMetric(CityscapesMetric):
    """mmseg's :class:`CityscapesMetric` (same arguments: ``output_dir``, ``format_only``,
    ``keep_results``, ...) that also returns the class scores.

    mmseg 1.x keeps only the two *category* averages of ``cityscapesscripts`` (7 coarse groups
    such as "flat" and "vehicle"); the number papers and the benchmark report, and the one
    ``IoUMetric``'s ``mIoU`` corresponds to, is the average over the 19 *classes*
    (``averageScoreClasses``). This metric returns all four averages and the per-class IoUs
    (``IoU.<class>``), each in [0, 1] as the official scripts print them.

    As with mmseg's metric, predictions are written to ``output_dir`` as ``*_leftImg8bit.png``
    label-id images (the benchmark's submission format) and compared with the
    ``*_gtFine_labelIds.png`` (and ``*_gtFine_instanceIds.png``) files beside each
    ``*_gtFine_labelTrainIds.png``.
    """

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Run ``cityscapesscripts`` on the written predictions.

        Args:
            results: (prediction png, ground-truth labelIds png) pairs from :meth:`process`.
        """
        if self.format_only:
            print_log(f'predictions in the submission format are under {self.output_dir}',
                      logger='current')
            return {}
        pred_list, gt_list = zip(*results)
        settings = vars(CSEval.args).copy()  # module-wide options: restored afterwards
        vars(CSEval.args).update(
            evalInstLevelScore=True, evalPixelAccuracy=True, JSONOutput=False,
            predictionPath=osp.abspath(self.output_dir),
            quiet=True)  # mmengine logs the returned scores; skip the printed matrices
        try:
            scores = CSEval.evaluateImgLists(list(pred_list), list(gt_list), CSEval.args)
        finally:
            vars(CSEval.args).clear()
            vars(CSEval.args).update(settings)
        metrics = {key: scores[key] for key in SUMMARY_KEYS}
        metrics.update({f'IoU.{name}': score for name, score in scores['classScores'].items()
                        if not _is_nan(score)})
        return metrics


def _is_nan(value: float) -> bool:
    return value != value
