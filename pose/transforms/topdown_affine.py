"""The top-down crop: one affine warp from the person box to the network input."""
from typing import Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from pose.registry import TRANSFORMS
from pose.structures import fix_aspect_ratio, get_warp_matrix, transform_points


@TRANSFORMS.register_module()
class TopdownAffine(BaseTransform):
    """Crop the box (``bbox_center``, ``bbox_scale``, ``bbox_rotation``) to ``input_size``.

    First the box grows to the input's aspect ratio (written back to ``bbox_scale``), then
    one ``cv2.warpAffine`` (bilinear, black border) makes ``img`` (h, w, 3). Keypoints go
    through the same matrix into ``transformed_keypoints`` (N, K, 2); ``keypoints`` stay in
    image pixels for evaluation. Adds ``input_size`` (w, h), ``input_center`` (2,) and
    ``input_scale`` (2,), which :func:`pose.structures.keypoints_to_image` inverts.

    Args:
        input_size: (w, h) of the network input, e.g. (192, 256).
        use_udp: unbiased data processing: map pixel centres so that encode/decode with
            :class:`pose.codecs.UDPHeatmap` is exact.
    """

    def __init__(self, input_size: Tuple[int, int], use_udp: bool = False) -> None:
        if len(input_size) != 2:
            raise ValueError(f'input_size must be (w, h), got {input_size}')
        self.input_size = (int(input_size[0]), int(input_size[1]))
        self.use_udp = use_udp

    def transform(self, results: dict) -> dict:
        w, h = self.input_size
        results['bbox_scale'] = fix_aspect_ratio(results['bbox_scale'], aspect_ratio=w / h)
        if results['bbox_center'].shape[0] != 1:
            raise ValueError(f'{type(self).__name__} crops one instance per sample, got '
                             f'{results["bbox_center"].shape[0]}')
        center = results['bbox_center'][0]
        scale = results['bbox_scale'][0]
        rotation = float(results['bbox_rotation'][0]) if 'bbox_rotation' in results else 0.
        warp_mat = get_warp_matrix(center, scale, rotation, (w, h), use_udp=self.use_udp)
        results['img'] = cv2.warpAffine(results['img'], warp_mat, (w, h),
                                        flags=cv2.INTER_LINEAR)
        if results.get('keypoints') is not None:
            results['transformed_keypoints'] = transform_points(results['keypoints'], warp_mat)
        results['input_size'] = (w, h)
        results['input_center'] = np.asarray(center, dtype=np.float32)
        results['input_scale'] = np.asarray(scale, dtype=np.float32)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(input_size={self.input_size}, use_udp={self.use_udp})'
