"""The ``pose`` scope's registries, children of mmengine's root registries.

Configs that set ``default_scope='pose'`` build from these; anything registered in mmengine's
root registries (``LiteHRNet``, mmengine's hooks, optimizers and schedulers) is found through
the parent. ``locations`` makes the builders import the modules that register into them. Every
root registry gets a child, so that mmengine finds the 'pose' scope everywhere and does not warn.
"""
from mmengine import registry as root
from mmengine.registry import Registry

DATASETS = Registry('dataset', parent=root.DATASETS, locations=['pose.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=root.DATA_SAMPLERS)
TRANSFORMS = Registry('transform', parent=root.TRANSFORMS, locations=['pose.transforms'])
MODELS = Registry('model', parent=root.MODELS, locations=['pose.models'])
MODEL_WRAPPERS = Registry('model wrapper', parent=root.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = Registry('weight initializer', parent=root.WEIGHT_INITIALIZERS)
METRICS = Registry('metric', parent=root.METRICS, locations=['pose.evaluation'])
EVALUATOR = Registry('evaluator', parent=root.EVALUATOR)
VISUALIZERS = Registry('visualizer', parent=root.VISUALIZERS)
VISBACKENDS = Registry('vis_backend', parent=root.VISBACKENDS)
RUNNERS = Registry('runner', parent=root.RUNNERS)
RUNNER_CONSTRUCTORS = Registry('runner constructor', parent=root.RUNNER_CONSTRUCTORS)
LOOPS = Registry('loop', parent=root.LOOPS)
HOOKS = Registry('hook', parent=root.HOOKS, locations=['pose.visualization'])
LOG_PROCESSORS = Registry('log_processor', parent=root.LOG_PROCESSORS)
OPTIMIZERS = Registry('optimizer', parent=root.OPTIMIZERS)
OPTIM_WRAPPERS = Registry('optim_wrapper', parent=root.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = Registry('optimizer wrapper constructor',
                                      parent=root.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = Registry('parameter scheduler', parent=root.PARAM_SCHEDULERS)
TASK_UTILS = Registry('task util', parent=root.TASK_UTILS)
KEYPOINT_CODECS = Registry('keypoint codec', locations=['pose.codecs'])
