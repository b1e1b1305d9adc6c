"""The data element that carries one top-down sample between the pipeline, the model and metrics."""
from mmengine.structures import BaseDataElement, InstanceData, PixelData


class PoseDataSample(BaseDataElement):
    """Annotations and predictions of one sample, with the layout of mmpose 1.x.

    Fields (each optional):

    - ``gt_instances`` (InstanceData): per-instance ground truth in *image* coordinates, e.g.
      ``bboxes`` (N, 4) xyxy, ``bbox_scores`` (N,), ``bbox_centers`` (N, 2), ``bbox_scales``
      (N, 2), ``keypoints`` (N, K, 2), ``keypoints_visible`` (N, K), ``areas`` (N,),
      ``head_size`` (N,) (MPII only).
    - ``gt_instance_labels`` (InstanceData): training labels as tensors, e.g.
      ``keypoint_weights`` (N, K).
    - ``pred_instances`` (InstanceData): predictions, e.g. ``keypoints`` (N, K, 2) and
      ``keypoint_scores`` (N, K).
    - ``gt_fields`` (PixelData): dense targets, e.g. ``heatmaps`` (K, H, W).
    - ``pred_fields`` (PixelData): dense predictions, e.g. ``heatmaps`` (K, H, W).

    Meta information (``img_id``, ``input_center``, ``flip_indices`` ...) is set with
    ``set_metainfo`` and read back as attributes or through ``metainfo``.
    """

    @property
    def gt_instances(self) -> InstanceData:
        return self._gt_instances

    @gt_instances.setter
    def gt_instances(self, value: InstanceData) -> None:
        self.set_field(value, '_gt_instances', dtype=InstanceData)

    @gt_instances.deleter
    def gt_instances(self) -> None:
        del self._gt_instances

    @property
    def gt_instance_labels(self) -> InstanceData:
        return self._gt_instance_labels

    @gt_instance_labels.setter
    def gt_instance_labels(self, value: InstanceData) -> None:
        self.set_field(value, '_gt_instance_labels', dtype=InstanceData)

    @gt_instance_labels.deleter
    def gt_instance_labels(self) -> None:
        del self._gt_instance_labels

    @property
    def pred_instances(self) -> InstanceData:
        return self._pred_instances

    @pred_instances.setter
    def pred_instances(self, value: InstanceData) -> None:
        self.set_field(value, '_pred_instances', dtype=InstanceData)

    @pred_instances.deleter
    def pred_instances(self) -> None:
        del self._pred_instances

    @property
    def gt_fields(self) -> PixelData:
        return self._gt_fields

    @gt_fields.setter
    def gt_fields(self, value: PixelData) -> None:
        self.set_field(value, '_gt_fields', dtype=PixelData)

    @gt_fields.deleter
    def gt_fields(self) -> None:
        del self._gt_fields

    @property
    def pred_fields(self) -> PixelData:
        return self._pred_fields

    @pred_fields.setter
    def pred_fields(self, value: PixelData) -> None:
        self.set_field(value, '_pred_fields', dtype=PixelData)

    @pred_fields.deleter
    def pred_fields(self) -> None:
        del self._pred_fields
