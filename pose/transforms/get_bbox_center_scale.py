"""Boxes to the center/scale form that the crop transforms work on."""
from mmcv.transforms import BaseTransform

from pose.registry import TRANSFORMS
from pose.structures import bbox_xyxy2cs


@TRANSFORMS.register_module()
class GetBBoxCenterScale(BaseTransform):
    """Add ``bbox_center`` (N, 2) and ``bbox_scale`` (N, 2) = box size * padding from
    ``bbox`` (N, 4) xyxy.

    If the results already carry a center and scale, only the padding is applied to the scale.

    Args:
        padding: context around the person; 1.25, the standard of HRNet and mmpose, for COCO
            and MPII alike (every dataset here gives person boxes without context). The test
            pipeline must pad as the training one does: :func:`pose.apis.inference_topdown`
            sends user and detector boxes through it, and they then crop as training did.
    """

    def __init__(self, padding: float = 1.25) -> None:
        self.padding = padding

    def transform(self, results: dict) -> dict:
        if 'bbox_center' in results and 'bbox_scale' in results:
            results['bbox_scale'] = results['bbox_scale'] * self.padding
        else:
            results['bbox_center'], results['bbox_scale'] = bbox_xyxy2cs(
                results['bbox'], padding=self.padding)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(padding={self.padding})'
