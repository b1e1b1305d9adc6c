"""Python API for pose estimation: models (:func:`init_model`, :func:`inference_topdown`) and
pose estimation in the wild (:class:`PoseInferencer`: a person detector, images, folders,
videos and webcams; keypoints, and silhouettes from a model with a mask head)."""
from .detection import Detections, MMDetPersonDetector, select_people
from .inference import inference_topdown, init_model
from .inferencer import PoseInferencer, StageTimes
from .results import CocoResultsWriter, FrameResult, dump_coco_results
from .smoothing import KeypointSmoother, OneEuroFilter
from .sources import Frame, FrameSource, open_source
from .tracking import IoUTracker, bbox_from_keypoints

__all__ = [
    'init_model', 'inference_topdown', 'PoseInferencer', 'StageTimes', 'Detections',
    'MMDetPersonDetector', 'select_people', 'FrameResult', 'dump_coco_results',
    'CocoResultsWriter', 'KeypointSmoother', 'OneEuroFilter', 'Frame', 'FrameSource',
    'open_source', 'IoUTracker', 'bbox_from_keypoints'
]
