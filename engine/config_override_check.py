"""Catch misspelt ``--cfg-options`` keys before anything is built.

``Config.merge_from_dict`` creates any key it is given, so ``train_cfg.max_epoch=3`` would add a
key nobody reads (or fail much later, deep in a builder), ``optim_wraper.optimizer.lr=0.1``
would add a whole new section while the real optimizer keeps its learning rate,
``work_dri=/tmp/x`` would be ignored, and a new argument of something built is only checked
when it is built: ``default_hooks.checkpoint.max_keep_ckpt=1`` (CheckpointHook keeps unknown
arguments for the checkpoint save, an epoch later) and ``test_evaluator.0.iou_metric`` (mmseg's
IoUMetric swallows unknown arguments) would never be.
"""
import difflib
import inspect
from typing import Any, Callable, Dict, List, Optional, Set

from mmengine.config import Config
from mmengine.hooks import CheckpointHook, EMAHook
from mmengine.registry import (DATA_SAMPLERS, DATASETS, HOOKS, LOG_PROCESSORS, LOOPS, METRICS,
                               MODELS, OPTIM_WRAPPERS, OPTIMIZERS, PARAM_SCHEDULERS, TRANSFORMS,
                               VISBACKENDS, VISUALIZERS, WEIGHT_INITIALIZERS, DefaultScope,
                               Registry)
from mmengine.runner import Runner

# Top-level keys the Runner reads although a config need not define them: the arguments of
# Runner.__init__, and the ones Runner.from_cfg / wrap_model / setup_env look up with cfg.get.
RUNNER_KEYS = frozenset(inspect.signature(Runner.__init__).parameters) - {'self', 'cfg'} | {
    'model_wrapper_cfg', 'find_unused_parameters', 'sync_bn', 'compile', 'strategy'}


# Registries whose classes are checked through their ``**kwargs`` too: a hook's or a metric's
# unknown argument is swallowed or kept for later, never an error at build time.
_STRICT_REGISTRIES = (HOOKS, METRICS)
# Where the ``**kwargs`` of such a class go, when not to its base class's constructor; None:
# anywhere (EMAHook passes them to the EMA model of its ``ema_type``).
_KWARGS_DESTINATIONS: Dict[type, Optional[Callable]] = {
    CheckpointHook: Runner.save_checkpoint,
    EMAHook: None,
}


class UnknownConfigKeyError(KeyError):
    """An override names a key the config does not have and cannot mean to add."""

    def __str__(self) -> str:  # KeyError would print the message with quotes around it
        return str(self.args[0])


def check_override_keys(cfg: Config, options: Dict[str, Any]) -> None:
    """Check every dotted key of ``options`` against ``cfg``, before merging them.

    A key is accepted when it exists, or when it adds a new entry that can be meant:
    - inside a dict with a ``type`` (the arguments of something built), when what it builds
      takes that argument: its constructor's parameters, followed through ``**kwargs`` to the
      base class's for hooks and metrics (whose unknown arguments would otherwise be swallowed
      or fail only when used); a class whose ``**kwargs`` go elsewhere, or that cannot be
      found, accepts any. A path that goes on through a list index is refused: a new argument
      made of dotted keys is a dict, never a list, so the list is elsewhere, e.g. in the
      config a wrapper wraps (``train_dataloader.dataset.pipeline.0`` where the dataset is
      wrapped and the path is ``train_dataloader.dataset.dataset.pipeline.0``, which the
      error names);
    - at the top level, when the Runner reads it (e.g. ``model_wrapper_cfg``, ``sync_bn``);
    - elsewhere, as a last key that resembles no existing key (e.g.
      ``randomness.deterministic=True``).
    Anything else is refused: a key close to an existing one is taken for a typo, and an
    intermediate key that does not exist would create a section nobody reads.

    Raises:
        UnknownConfigKeyError: naming the key and the closest existing (or accepted) ones.
    """
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        for key in options:
            problem = _key_problem(cfg._cfg_dict, key.split('.'))
            if problem is not None:
                raise UnknownConfigKeyError(f'--cfg-options {key}: {problem}')


def _key_problem(node: Any, parts: List[str]) -> Optional[str]:
    """Why the path ``parts`` cannot be set in ``node``; None when it can."""
    walked: List[str] = []
    for depth, part in enumerate(parts):
        where = '.'.join(walked) or 'the config'
        if isinstance(node, (list, tuple)):
            if not part.isdigit() or int(part) >= len(node):
                return f'{where} is a list of {len(node)} item(s); {part!r} is not an index of it'
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node:
                return _missing_key_problem(node, walked, part, parts[depth + 1:])
            node = node[part]
        else:
            return f'{where} is a {type(node).__name__}, it has no key {part!r}'
        walked.append(part)
    return None


def _missing_key_problem(node: dict, walked: List[str], part: str,
                         rest: List[str]) -> Optional[str]:
    """Why ``part`` cannot be added to ``node`` (at ``walked``) on the way to ``rest``."""
    where = '.'.join(walked) or 'the config'
    keys = ', '.join(sorted(map(str, node)))
    if not walked:
        if part in RUNNER_KEYS:
            return None
        close = difflib.get_close_matches(part, sorted(set(map(str, node)) | RUNNER_KEYS), n=3,
                                          cutoff=0.6)
        if close:
            return f"the config has no key {part!r}; did you mean {' or '.join(map(repr, close))}?"
        return f'the config has no key {part!r}, and the Runner reads no such key'
    if 'type' in node and not any(later.isdigit() for later in rest):
        return _argument_problem(node, walked, part)
    below = [path for path in _paths_to_key(node, part)
             if _key_problem(node, [*path, part, *rest]) is None] if rest else []
    if below:
        suggestion = ' or '.join('.'.join([*walked, *path, part, *rest]) for path in below)
        return f'{where} has no key {part!r} (its keys: {keys}); did you mean {suggestion}?'
    if 'type' in node:
        return (f'{where} has no key {part!r} (its keys: {keys}), so there is no list to '
                f'index in {".".join([*walked, part, *rest])}')
    close = difflib.get_close_matches(part, [str(k) for k in node], n=3, cutoff=0.6)
    if close:
        suggestion = ' or '.join(repr(c) for c in close)
        return f'{where} has no key {part!r}; did you mean {suggestion}?'
    if not rest:
        return None
    return (f'{where} has no key {part!r} (its keys: {keys}), and adding a section nobody '
            'reads has no effect')


def _argument_problem(node: dict, walked: List[str], part: str) -> Optional[str]:
    """Why ``part`` is no argument of what ``node`` (at ``walked``) builds; None when it is,
    or when that cannot be told."""
    registry = _registry_of(walked)
    cls = _built_class(node['type'], registry)
    if cls is None:
        return None
    accepted = accepted_arguments(cls, strict=registry in _STRICT_REGISTRIES)
    if accepted is None or part in accepted:
        return None
    close = difflib.get_close_matches(part, sorted(accepted), n=3, cutoff=0.6)
    return (f'{cls.__name__} ({".".join(walked)}) takes no argument {part!r}'
            + (f"; did you mean {' or '.join(map(repr, close))}?" if close else
               f' (its arguments: {", ".join(sorted(accepted))})'))


def accepted_arguments(cls: type, strict: bool) -> Optional[Set[str]]:
    """The keyword arguments ``cls(...)`` takes, or None when it takes any.

    ``**kwargs`` are followed to the next constructor up the class's bases when ``strict``
    (or to their known destination, :data:`_KWARGS_DESTINATIONS`); otherwise they mean any.
    """
    names: Set[str] = set()
    for klass in cls.__mro__:
        init = vars(klass).get('__init__')
        if init is None:
            continue
        if klass is object:
            return names
        parameters = inspect.signature(init).parameters.values()
        names |= {p.name for p in parameters
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {'self'}
        if not any(p.kind == p.VAR_KEYWORD for p in parameters):
            return names
        if klass in _KWARGS_DESTINATIONS:
            destination = _KWARGS_DESTINATIONS[klass]
            return None if destination is None else \
                names | set(inspect.signature(destination).parameters) - {'self'}
        if not strict:
            return None
    return names


def _registry_of(walked: List[str]) -> Optional[Registry]:
    """The registry that builds the dict at key path ``walked``, by mmengine's layout; None
    for dicts consumed by builder functions (``norm_cfg``, ``act_cfg``, ...)."""
    names = [part for part in walked if not part.isdigit()]
    name, first = names[-1], names[0]
    if name == 'init_cfg':
        return WEIGHT_INITIALIZERS
    if name.endswith('_cfg') and name not in ('train_cfg', 'val_cfg', 'test_cfg'):
        return None
    by_name = {'pipeline': TRANSFORMS, 'transforms': TRANSFORMS, 'dataset': DATASETS,
               'sampler': DATA_SAMPLERS, 'batch_sampler': DATA_SAMPLERS,
               'optimizer': OPTIMIZERS, 'vis_backends': VISBACKENDS}
    by_first = {'default_hooks': HOOKS, 'custom_hooks': HOOKS, 'val_evaluator': METRICS,
                'test_evaluator': METRICS, 'param_scheduler': PARAM_SCHEDULERS,
                'optim_wrapper': OPTIM_WRAPPERS, 'visualizer': VISUALIZERS,
                'log_processor': LOG_PROCESSORS, 'train_cfg': LOOPS, 'val_cfg': LOOPS,
                'test_cfg': LOOPS, 'model': MODELS}
    return by_name.get(name) or by_first.get(first)


def _built_class(type_: Any, registry: Optional[Registry]) -> Optional[type]:
    if inspect.isclass(type_):
        return type_
    if registry is None or not isinstance(type_, str):
        return None
    try:
        # the registry of the default scope (mmseg's, pose's), as building would use it
        with registry.switch_scope_and_registry(None) as scoped:
            found = scoped.get(type_)
    except Exception:  # an unknown scope or module: the builder will say
        return None
    return found if inspect.isclass(found) else None


def _paths_to_key(node: dict, key: str, depth: int = 3) -> List[List[str]]:
    """The key paths, at most ``depth`` dicts down from ``node``, to the dicts that hold
    ``key``: where a wrapper's inner config has it."""
    paths = []
    for name, child in node.items():
        if isinstance(child, dict):
            if key in child:
                paths.append([str(name)])
            elif depth > 1:
                paths.extend([str(name), *path] for path in _paths_to_key(child, key, depth - 1))
    return paths
