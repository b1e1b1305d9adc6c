"""COCO keypoint AP/AR, following the HRNet / Lite-HRNet / mmpose top-down protocol, and the
mask AP/AR of models that also predict each person's silhouette.

Per image: every predicted instance is rescored (by default ``bbox_score`` times the mean of its
keypoint scores above 0.2), near-duplicate poses are removed by OKS-NMS (threshold 0.9), and the
result file is scored by xtcocotools' ``COCOeval`` with the dataset's OKS sigmas. The masks of
the same instances, with the same scores, are scored by COCO's ``segm`` evaluation (Lin et al.,
"Microsoft COCO: Common Objects in Context", ECCV 2014; the reference cocoapi's ``COCOeval``).
"""
import os.path as osp
import tempfile
from collections import OrderedDict, defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.fileio import dump
from mmengine.logging import MMLogger
from xtcocotools.coco import COCO
from xtcocotools.cocoeval import COCOeval

from pose.registry import METRICS
from ..functional import (annotations_without_segmentation, gt_to_coco_dict,
                          instance_masks_to_rles, instance_score, mask_iou, oks_nms,
                          pycocotools_view, segm_eval_stats, soft_oks_nms)
from ..functional.rescore import SCORE_MODES
from .utils import to_numpy

NMS_MODES = ('oks_nms', 'soft_oks_nms', 'none')

# names of COCOeval.stats in order, as mmpose reports them
KEYPOINT_STATS = ('AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5', 'AR .75', 'AR (M)',
                  'AR (L)')
# names of COCOeval.stats in segm mode, in order: AP at IoU .50:.05:.95, .5 and .75, AP of
# small, medium and large objects (100 detections per image), AR with 1, 10 and 100
# detections per image, AR of small, medium and large objects (100 detections)
MASK_STATS = ('mask_AP', 'mask_AP .5', 'mask_AP .75', 'mask_AP (S)', 'mask_AP (M)',
              'mask_AP (L)', 'mask_AR@1', 'mask_AR@10', 'mask_AR', 'mask_AR (S)', 'mask_AR (M)',
              'mask_AR (L)')


def _keypoint_extent_area(keypoints: np.ndarray) -> float:
    """Area of the box spanned by (K, 2) keypoints: the fallback object area for OKS-NMS."""
    extent = keypoints.max(axis=0) - keypoints.min(axis=0)
    return float(extent[0] * extent[1])


def _unique_by_id(instances: List[dict]) -> List[dict]:
    """Sort one image's instances by ``id`` and drop repeats.

    Repeats come from distributed evaluation, where the sampler pads the last batch with
    samples already seen. Bottom-up results (no scalar id) are returned as they are.
    """
    if not instances or not np.isscalar(instances[0]['id']):
        return instances
    unique = {}
    for instance in sorted(instances, key=lambda x: x['id']):
        unique.setdefault(instance['id'], instance)
    return list(unique.values())


@METRICS.register_module()
class CocoMetric(BaseMetric):
    """COCO keypoint AP and AR (``coco/AP``, ``coco/AP .5``, ..., ``coco/AR (L)``) and, for
    a mask model, mask AP/AR and the mean mask IoU on ground-truth boxes.

    Masks: when the samples' ``pred_instances`` carry ``masks`` ((N, H, W) bool in image
    pixels, pasted back from the crop by the model), the instances kept by the rescoring and
    NMS above are also written, with the same scores, as COCO ``segm`` results
    (``{outfile_prefix}.segm.json``) and scored by COCO's ``segm`` evaluation against
    ``ann_file``: ``coco/mask_AP``, ``coco/mask_AP .5``, ``coco/mask_AP .75``,
    ``coco/mask_AP (S)``, ``(M)``, ``(L)``, ``coco/mask_AR@1``, ``coco/mask_AR@10``,
    ``coco/mask_AR`` (100 detections per image), ``coco/mask_AR (S)``, ``(M)``, ``(L)``.
    As in COCO, every non-crowd annotation counts, also persons without labelled keypoints
    (which a top-down val set on ground-truth boxes does not crop: there they are misses).
    ``coco/mask_IoU`` is the mean IoU of each ground-truth-box sample's mask with its own
    annotation's (non-crowd) segmentation, counted once per annotation. A sample is one when
    it carries ``raw_ann_info`` of the same ``id``: the dataset packs it for samples made from
    annotations, never for samples made from a ``bbox_file``, whose ids are running indices
    of the detections. Without such samples (testing on detected boxes) there is no
    ``mask_IoU``. Only the masks' RLEs are kept between batches. Mask evaluation needs
    ``ann_file`` (``raw_ann_info`` carries no segmentation): masks without it raise a
    ValueError at the first batch, unless ``format_only``.

    Args:
        ann_file: COCO-format annotation json. When None, the ground truth is built from the
            ``raw_ann_info`` and ``ori_shape`` of the evaluated samples (then only their
            images and annotations count, and detected-box samples cannot be evaluated).
        use_area: use each annotation's ``area`` as the OKS scale (False for datasets
            without it).
        score_mode: how instances are scored, see
            :func:`pose.evaluation.functional.instance_score`.
        keypoint_score_thr: keypoints at or below this score do not enter the rescoring.
        nms_mode: ``'oks_nms'``, ``'soft_oks_nms'`` or ``'none'``.
        nms_thr: OKS threshold of the NMS.
        format_only: only write the results json (e.g. for test-dev); needs
            ``outfile_prefix``.
        outfile_prefix: results go to ``{outfile_prefix}.keypoints.json`` (masks to
            ``{outfile_prefix}.segm.json``, the converted ground truth to
            ``{outfile_prefix}.gt.json``); a temporary dir when None.
        collect_device: ``'cpu'`` or ``'gpu'``, for gathering results across ranks.
        prefix: key prefix, ``'coco'`` by default.
    """
    default_prefix: Optional[str] = 'coco'

    def __init__(self,
                 ann_file: Optional[str] = None,
                 use_area: bool = True,
                 score_mode: str = 'bbox_keypoint',
                 keypoint_score_thr: float = 0.2,
                 nms_mode: str = 'oks_nms',
                 nms_thr: float = 0.9,
                 format_only: bool = False,
                 outfile_prefix: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        _check_choice('score_mode', score_mode, SCORE_MODES)
        _check_choice('nms_mode', nms_mode, NMS_MODES)
        if format_only and outfile_prefix is None:
            raise ValueError('format_only=True needs outfile_prefix: results written to a '
                             'temporary directory would be deleted')
        self.ann_file = ann_file
        self.coco = self._load_ann_file(ann_file, format_only)
        self.use_area = use_area
        self.score_mode = score_mode
        self.keypoint_score_thr = keypoint_score_thr
        self.nms_mode = nms_mode
        self.nms_thr = nms_thr
        self.format_only = format_only
        self.outfile_prefix = outfile_prefix

    @staticmethod
    def _load_ann_file(ann_file: Optional[str], format_only: bool) -> Optional[COCO]:
        """Load the ground truth once; fail early, naming the file, when it is unusable."""
        if ann_file is None:
            return None
        if not osp.isfile(ann_file):
            raise FileNotFoundError(f'CocoMetric: annotation file not found: {ann_file}')
        coco = COCO(ann_file)
        if not format_only and 'annotations' not in coco.dataset:
            raise ValueError(f'CocoMetric: {ann_file} has no "annotations"; evaluation needs '
                             'them (use format_only=True for a test-dev style file)')
        return coco

    def process(self, data_batch: Sequence[dict], data_samples: Sequence[dict]) -> None:
        """Keep, per sample, its predictions and (without ``ann_file``) its ground truth.

        Args:
            data_batch: the dataloader's batch (unused).
            data_samples: ``PoseDataSample.to_dict()`` outputs with ``id``, ``img_id``,
                ``pred_instances`` (keypoints (N, K, 2), keypoint_scores (N, K), optional
                bbox_scores (N,), optional masks (N, H, W) bool with ``ori_shape`` (H, W)),
                ``gt_instances`` and, without ``ann_file``, ``raw_ann_info`` and
                ``ori_shape``.
        """
        for sample in data_samples:
            if 'pred_instances' not in sample:
                raise ValueError(f'{self.__class__.__name__} needs `pred_instances` in '
                                 'every data sample')
            gt = None if self.coco is not None else self._parse_gt(sample)
            pred = self._parse_pred(sample)
            if 'masks' in sample['pred_instances']:
                pred.update(self._parse_masks(sample, len(pred['keypoints'])))
            self.results.append((pred, gt))

    @staticmethod
    def _parse_pred(sample: dict) -> dict:
        """Predictions of one sample as numpy arrays: (N, K, 2), (N, K), (N,) and (N,) areas."""
        pred_instances = sample['pred_instances']
        gt_instances = sample.get('gt_instances', {})
        keypoints = to_numpy(pred_instances['keypoints'])
        keypoint_scores = to_numpy(pred_instances['keypoint_scores'])
        if keypoint_scores.shape != keypoints.shape[:2]:
            raise ValueError(f'keypoint_scores {keypoint_scores.shape} do not match keypoints '
                             f'{keypoints.shape}')
        num = len(keypoints)
        # top-down: the detector's box score travels with the instance; bottom-up models may
        # predict another number of instances than annotated, and then get score 1
        if 'bbox_scores' in pred_instances:
            bbox_scores = to_numpy(pred_instances['bbox_scores'])
        elif len(gt_instances.get('bbox_scores', ())) == num:
            bbox_scores = to_numpy(gt_instances['bbox_scores'])
        else:
            bbox_scores = np.ones(num)
        # OKS-NMS scale: the (padded) crop area, as HRNet's prod(scale * 200); else the
        # keypoints' extent
        if len(gt_instances.get('bbox_scales', ())) == num:
            areas = np.prod(to_numpy(gt_instances['bbox_scales']), axis=1)
        else:
            areas = np.array([_keypoint_extent_area(k) for k in keypoints])
        return dict(id=sample['id'], img_id=sample['img_id'],
                    category_id=sample.get('category_id', 1), keypoints=keypoints,
                    keypoint_scores=keypoint_scores, bbox_scores=bbox_scores.reshape(-1),
                    areas=areas.reshape(-1))

    def _parse_masks(self, sample: dict, num_instances: int) -> dict:
        """``masks``: the sample's N mask RLEs; ``gt_ann_id``: the annotation whose mask IoU
        it measures (None unless it is a ground-truth-box sample, see the class doc)."""
        where = f'{self.__class__.__name__}: sample id {sample["id"]}'
        if self.coco is None and not self.format_only:
            raise ValueError(f'{where} has pred_instances.masks, but mask evaluation needs '
                             'ann_file (the samples\' raw_ann_info carries no segmentation): '
                             'give CocoMetric(ann_file=...)')
        if 'ori_shape' not in sample:
            raise KeyError(f'{where} has pred_instances.masks but no ori_shape to check '
                           'them against')
        masks = instance_masks_to_rles(sample['pred_instances']['masks'], num_instances,
                                       sample['ori_shape'], where)
        gt_ann_id = self._gt_annotation_id(sample) if num_instances == 1 else None
        return dict(masks=masks, gt_ann_id=gt_ann_id)

    def _gt_annotation_id(self, sample: dict) -> Optional[int]:
        """The id of the non-crowd, segmented annotation of ``ann_file`` whose box made this
        sample, or None (detected box, crowd, no segmentation, no ``ann_file``)."""
        raw = sample.get('raw_ann_info')
        # detections carry no raw_ann_info, so a running index never passes for an id
        if self.coco is None or not isinstance(raw, dict) or raw.get('id') != sample['id']:
            return None
        ann = self.coco.anns.get(sample['id'])
        if (ann is None or ann['image_id'] != sample['img_id'] or ann.get('iscrowd', 0)
                or not ann.get('segmentation')):
            return None
        return ann['id']

    def _parse_gt(self, sample: dict) -> dict:
        """Image size and raw COCO annotations of one sample, to rebuild the ground truth."""
        if 'raw_ann_info' not in sample:
            raise KeyError('CocoMetric without ann_file needs `raw_ann_info` in each data '
                           'sample (samples from detected boxes have none: give ann_file)')
        anns = sample['raw_ann_info']
        gt = dict(img_id=sample['img_id'], height=sample['ori_shape'][0],
                  width=sample['ori_shape'][1], raw_ann_info=anns if isinstance(anns, list)
                  else [anns])
        return gt

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Rescore, NMS, write the results json and run COCOeval.

        Returns:
            ``{'AP': ..., 'AP .5': ..., ..., 'AR (L)': ...}`` (the Evaluator adds the
            ``coco/`` prefix); empty with ``format_only``.
        """
        if self.dataset_meta is None or 'sigmas' not in self.dataset_meta:
            raise ValueError('CocoMetric needs dataset_meta with `sigmas` (set by the Runner '
                             'from the dataset metainfo)')
        preds, gts = zip(*results)
        with_masks = _with_masks(preds)
        with tempfile.TemporaryDirectory() as tmp_dir:
            outfile_prefix = self.outfile_prefix or osp.join(tmp_dir, 'results')
            coco_gt = self.coco if self.coco is not None else self._coco_from_samples(
                gts, outfile_prefix)
            instances = self._select_instances(preds)
            res_files = [self.results2json(instances, outfile_prefix)]
            if with_masks:
                res_files.append(self.segm2json(instances, outfile_prefix))
            if self.format_only:
                MMLogger.get_current_instance().info(f'results saved to {", ".join(res_files)}')
                return {}
            metrics = self._do_keypoint_eval(coco_gt, res_files[0])
            if with_masks:
                metrics.update(self._do_mask_eval(preds, res_files[1]))
            return metrics

    def _coco_from_samples(self, gts: Sequence[dict], outfile_prefix: str) -> COCO:
        """Write ``{outfile_prefix}.gt.json`` from the samples' annotations and load it."""
        MMLogger.get_current_instance().info('Converting ground truth to COCO format...')
        coco_json = gt_to_coco_dict(
            gts,
            categories=self.dataset_meta.get('CLASSES'),
            keypoint_names=_keypoint_names(self.dataset_meta),
            use_area=self.use_area)
        gt_file = f'{outfile_prefix}.gt.json'
        dump(coco_json, gt_file, sort_keys=True, indent=4)
        return COCO(gt_file)

    def _select_instances(self, preds: Sequence[dict]) -> Dict[int, List[dict]]:
        """Group instances by image, drop repeated ids, rescore and apply NMS per image."""
        per_image = defaultdict(list)
        for pred in preds:
            for idx in range(len(pred['keypoints'])):
                per_image[pred['img_id']].append(_instance(pred, idx))
        selected = {}
        for img_id, instances in per_image.items():
            instances = _unique_by_id(instances)
            for instance in instances:
                instance['score'] = instance_score(instance['bbox_score'],
                                                   instance['keypoints'][:, 2], self.score_mode,
                                                   self.keypoint_score_thr)
            selected[img_id] = [instances[i] for i in self._nms(instances)]
        return selected

    def _nms(self, instances: List[dict]) -> Sequence[int]:
        """Indices of the instances of one image that survive ``nms_mode``."""
        if self.nms_mode == 'none':
            return range(len(instances))
        nms = oks_nms if self.nms_mode == 'oks_nms' else soft_oks_nms
        return nms(instances, self.nms_thr, sigmas=np.asarray(self.dataset_meta['sigmas']))

    def results2json(self, instances: Dict[int, List[dict]], outfile_prefix: str) -> str:
        """Write the COCO results file ``{outfile_prefix}.keypoints.json``; return its path.

        Each entry holds ``image_id``, ``category_id``, ``keypoints`` (K*3 ``[x, y, score]``)
        and ``score``. No ``bbox`` is written, as in HRNet/Lite-HRNet: COCO then takes a
        result's area from its keypoints' extent.
        """
        results = [
            dict(image_id=inst['img_id'], category_id=inst['category_id'],
                 keypoints=inst['keypoints'].reshape(-1).tolist(), score=float(inst['score']))
            for img_instances in instances.values() for inst in img_instances
        ]
        res_file = f'{outfile_prefix}.keypoints.json'
        dump(results, res_file, sort_keys=True, indent=4)
        return res_file

    def segm2json(self, instances: Dict[int, List[dict]], outfile_prefix: str) -> str:
        """Write the COCO ``segm`` results file ``{outfile_prefix}.segm.json``; return its
        path. Each entry holds ``image_id``, ``category_id``, ``segmentation`` (compressed
        RLE, ``counts`` a str) and ``score``: the instances and scores of the keypoints file.
        """
        results = [
            dict(image_id=inst['img_id'], category_id=inst['category_id'],
                 segmentation=inst['mask'], score=float(inst['score']))
            for img_instances in instances.values() for inst in img_instances
        ]
        res_file = f'{outfile_prefix}.segm.json'
        dump(results, res_file, sort_keys=True, indent=4)
        return res_file

    def _do_keypoint_eval(self, coco_gt: COCO, res_file: str) -> Dict[str, float]:
        """Run xtcocotools' COCOeval with the dataset's sigmas; name its stats."""
        MMLogger.get_current_instance().info(f'Evaluating {self.__class__.__name__}...')
        coco_det = coco_gt.loadRes(res_file)
        sigmas = np.asarray(self.dataset_meta['sigmas'])
        coco_eval = COCOeval(coco_gt, coco_det, 'keypoints', sigmas, self.use_area)
        coco_eval.params.useSegm = None
        coco_eval.evaluate()
        coco_eval.accumulate()
        coco_eval.summarize()
        return OrderedDict((name, float(value))
                           for name, value in zip(KEYPOINT_STATS, coco_eval.stats))

    def _do_mask_eval(self, preds: Sequence[dict], res_file: str) -> Dict[str, float]:
        """COCO ``segm`` stats of ``res_file`` against ``ann_file``, named by MASK_STATS,
        and ``mask_IoU`` when some samples were made from ground-truth boxes."""
        MMLogger.get_current_instance().info(f'Evaluating {self.__class__.__name__} masks...')
        coco_gt = pycocotools_view(self.coco.dataset)
        num_missing, examples = annotations_without_segmentation(coco_gt)
        if num_missing:
            raise ValueError(f'{self.ann_file}: {num_missing} annotations (ids {examples}...) '
                             'have no "segmentation"; mask evaluation needs one on each')
        metrics = OrderedDict(zip(MASK_STATS, segm_eval_stats(coco_gt, res_file).tolist()))
        ious = _gt_box_mask_ious(preds, coco_gt)
        if ious:
            metrics['mask_IoU'] = float(np.mean(ious))
        return metrics


def _instance(pred: dict, idx: int) -> dict:
    """Instance ``idx`` of one sample's predictions, keypoints as (K, 3) ``[x, y, score]``
    (and its mask RLE, for a mask model)."""
    keypoints = np.concatenate([pred['keypoints'][idx], pred['keypoint_scores'][idx][:, None]],
                               axis=-1)
    instance = dict(id=pred['id'], img_id=pred['img_id'], category_id=pred['category_id'],
                    keypoints=keypoints, bbox_score=float(pred['bbox_scores'][idx]),
                    area=float(pred['areas'][idx]))
    if 'masks' in pred:
        instance['mask'] = pred['masks'][idx]
    return instance


def _with_masks(preds: Sequence[dict]) -> bool:
    """Whether the samples carry masks; all or none of them must."""
    with_masks = ['masks' in pred for pred in preds]
    if any(with_masks) and not all(with_masks):
        without = next(pred['id'] for pred in preds if 'masks' not in pred)
        raise ValueError('CocoMetric: some samples have pred_instances.masks and others (e.g. '
                         f'sample id {without}) have none; a model predicts masks for all')
    return any(with_masks)


def _gt_box_mask_ious(preds: Sequence[dict], coco_gt) -> List[float]:
    """Mask IoU of every ground-truth-box sample with its annotation, once per annotation
    (distributed samplers repeat samples to pad the last batch)."""
    ious = {}
    for pred in preds:
        ann_id = pred['gt_ann_id']
        if ann_id is not None and ann_id not in ious:
            ious[ann_id] = mask_iou(pred['masks'][0], coco_gt.annToRLE(coco_gt.anns[ann_id]))
    return list(ious.values())


def _keypoint_names(dataset_meta: dict) -> Optional[list]:
    """Keypoint names in index order from ``keypoint_id2name``, if the metainfo has it."""
    id2name = dataset_meta.get('keypoint_id2name')
    return [id2name[i] for i in sorted(id2name)] if id2name else None


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    """Raise a ValueError naming the argument when ``value`` is not one of ``choices``."""
    if value not in choices:
        raise ValueError(f'`{name}` should be one of {tuple(choices)}, got {value!r}')
