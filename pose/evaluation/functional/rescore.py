"""Instance scores for COCO evaluation, computed from the box score and keypoint scores.

AP ranks instances by this score, so top-down methods (HRNet, Lite-HRNet) replace the detector
score by ``bbox_score * mean(confident keypoint scores)``: a box with a poor pose ranks lower.
"""
import numpy as np

SCORE_MODES = ('bbox', 'bbox_keypoint', 'bbox_rle', 'keypoint')


def instance_score(bbox_score: float, keypoint_scores: np.ndarray, mode: str = 'bbox_keypoint',
                   keypoint_score_thr: float = 0.2) -> float:
    """Score of one instance.

    Args:
        bbox_score: the detector's (or 1.0 for ground-truth boxes) box score.
        keypoint_scores: (K,) keypoint confidences (e.g. heatmap maxima).
        mode: ``'bbox'`` box score only; ``'bbox_keypoint'`` box score times the mean of the
            keypoint scores above ``keypoint_score_thr`` (times 0 if none is); ``'bbox_rle'``
            box score + mean + max of the keypoint scores (RLE heads); ``'keypoint'`` the mean
            keypoint score.
        keypoint_score_thr: see ``'bbox_keypoint'``.
    """
    keypoint_scores = np.asarray(keypoint_scores, dtype=np.float64).reshape(-1)
    if mode == 'bbox':
        return float(bbox_score)
    if mode == 'keypoint':
        return float(keypoint_scores.mean())
    if mode == 'bbox_rle':
        return float(bbox_score + keypoint_scores.mean() + keypoint_scores.max())
    if mode == 'bbox_keypoint':
        confident = keypoint_scores[keypoint_scores > keypoint_score_thr]
        mean_score = confident.mean() if len(confident) > 0 else 0.0
        return float(bbox_score * mean_score)
    raise ValueError(f'score mode should be one of {SCORE_MODES}, got {mode!r}')
