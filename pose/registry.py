"""The ``pose`` scope's registries, children of mmengine's root registries.

Configs that set ``default_scope='pose'`` build from these; anything registered in mmengine's
root registries (``LiteHRNet``, mmengine's hooks, optimizers and schedulers) is found through
the parent. ``locations`` makes the builders import the modules that register into them.
"""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import Registry

DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, locations=['pose.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS, locations=['pose.transforms'])
MODELS = Registry('model', parent=MMENGINE_MODELS, locations=['pose.models'])
METRICS = Registry('metric', parent=MMENGINE_METRICS, locations=['pose.evaluation'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, locations=['pose.engine'])
VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS, locations=['pose.visualization'])
KEYPOINT_CODECS = Registry('keypoint codec', locations=['pose.codecs'])
