"""Build a COCO ground-truth dict from the annotations carried by the evaluated samples.

Used when a :class:`CocoMetric` has no ``ann_file`` (custom datasets, converted GT): each data
sample carries its COCO annotation as ``raw_ann_info``, and its image size as ``ori_shape``.
Only the images and annotations seen during evaluation end up in the ground truth.
"""
import datetime
from typing import List, Optional, Sequence

# fields COCOeval needs from every annotation ('area' only when use_area is set)
_REQUIRED_ANN_KEYS = ('id', 'image_id', 'category_id', 'bbox', 'keypoints', 'iscrowd')


def _coco_annotation(ann: dict, use_area: bool) -> dict:
    """Keep the fields of one raw annotation that keypoint evaluation uses."""
    missing = [k for k in _REQUIRED_ANN_KEYS if k not in ann]
    if use_area and 'area' not in ann:
        missing.append('area (or set use_area=False)')
    if missing:
        raise KeyError(f'raw_ann_info of annotation {ann.get("id")} lacks {missing}')
    annotation = {k: ann[k] for k in _REQUIRED_ANN_KEYS}
    if use_area:
        annotation['area'] = ann['area']
    if 'num_keypoints' in ann:
        annotation['num_keypoints'] = ann['num_keypoints']
    return annotation


def default_categories(category_ids: Sequence[int], keypoint_names: Optional[list]) -> List[dict]:
    """COCO ``categories`` entries for the given ids, when the dataset provides none."""
    names = keypoint_names or []
    return [dict(id=int(cid), name=f'category_{cid}', supercategory='', keypoints=names,
                 skeleton=[]) for cid in sorted(set(category_ids))]


def gt_to_coco_dict(gt_dicts: Sequence[dict],
                    categories: Optional[List[dict]] = None,
                    keypoint_names: Optional[list] = None,
                    use_area: bool = True) -> dict:
    """COCO ground truth from per-sample dicts.

    Args:
        gt_dicts: one per sample with ``img_id``, ``width``, ``height`` and ``raw_ann_info``
            (a list of COCO annotation dicts; None entries are skipped).
        categories: COCO ``categories``; built from the annotations' ids when None.
        keypoint_names: names for the built categories.
        use_area: copy (and require) each annotation's ``area``.

    Returns:
        A dict with ``info``, ``images``, ``annotations``, ``categories``; an image or an
        annotation (by id) seen in several samples appears once.
    """
    images, annotations = {}, {}
    for gt in gt_dicts:
        if gt['img_id'] not in images:
            images[gt['img_id']] = dict(id=gt['img_id'], width=int(gt['width']),
                                        height=int(gt['height']))
        for ann in gt['raw_ann_info']:
            # bottom-up samples of images without people carry None
            if ann is not None and ann['id'] not in annotations:
                annotations[ann['id']] = _coco_annotation(ann, use_area)
    if categories is None:
        category_ids = [ann['category_id'] for ann in annotations.values()] or [1]
        categories = default_categories(category_ids, keypoint_names)
    info = dict(date_created=str(datetime.datetime.now()),
                description='COCO ground truth converted by pose.evaluation.CocoMetric')
    return dict(info=info, images=list(images.values()), annotations=list(annotations.values()),
                categories=categories)
