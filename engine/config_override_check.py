"""Catch misspelt ``--cfg-options`` keys before anything is built.

``Config.merge_from_dict`` creates any key it is given, so ``train_cfg.max_epoch=3`` would add a
key nobody reads (or fail much later, deep in a builder) and ``optim_wraper.optimizer.lr=0.1``
would add a whole new section while the real optimizer keeps its learning rate.
"""
import difflib
import inspect
from typing import Any, Dict, List, Optional

from mmengine.config import Config
from mmengine.runner import Runner

# Top-level keys the Runner reads although a config need not define them: the arguments of
# Runner.__init__, and the ones Runner.from_cfg / wrap_model / setup_env look up with cfg.get.
RUNNER_KEYS = frozenset(inspect.signature(Runner.__init__).parameters) - {'self', 'cfg'} | {
    'model_wrapper_cfg', 'find_unused_parameters', 'sync_bn', 'compile', 'strategy'}


class UnknownConfigKeyError(KeyError):
    """An override names a key the config does not have and cannot mean to add."""

    def __str__(self) -> str:  # KeyError would print the message with quotes around it
        return str(self.args[0])


def check_override_keys(cfg: Config, options: Dict[str, Any]) -> None:
    """Check every dotted key of ``options`` against ``cfg``, before merging them.

    A key is accepted when it exists, or when it adds a new entry that can be meant:
    - inside a dict with a ``type`` (the arguments of something built: the builder rejects
      arguments it does not know, and new optional ones are legitimate, e.g.
      ``model.backbone.with_cp=True``, or ``model.init_cfg.type=Pretrained``), unless the path
      goes on through a list index: a new argument made of dotted keys is a dict, never a
      list, so the list is elsewhere, e.g. in the config a wrapper wraps
      (``train_dataloader.dataset.pipeline.0`` where the dataset is wrapped and the path is
      ``train_dataloader.dataset.dataset.pipeline.0``, which the error names); the builder
      would only fail with a ``TypeError`` that names neither the option nor the right path;
    - at the top level, when the Runner reads it (e.g. ``model_wrapper_cfg``, ``sync_bn``);
    - elsewhere, as a last key that resembles no existing key (e.g.
      ``randomness.deterministic=True``).
    Anything else is refused: a key close to an existing one is taken for a typo, and an
    intermediate key that does not exist would create a section nobody reads.

    Raises:
        UnknownConfigKeyError: naming the key and the closest existing ones.
    """
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
    if not walked and part in RUNNER_KEYS:
        return None
    if 'type' in node and not any(later.isdigit() for later in rest):
        return None  # a new argument of something built (a dict, when rest goes on)
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
