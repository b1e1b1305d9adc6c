"""Turn a dataset description into the arrays the pipeline, model and metrics use.

Two description styles are accepted:

* mmpose's: ``keypoint_info`` {id: dict(name, color, type='upper'|'lower', swap=partner name)},
  ``skeleton_info`` {id: dict(link=(name, name), color)}, ``joint_weights``, ``sigmas``;
* a flat one: ``keypoint_names`` [K], ``flip_pairs`` [(a, b)] or ``flip_indices`` [K],
  optional ``upper_body_ids``, ``lower_body_ids``, ``skeleton_links``, ``keypoint_colors``,
  ``skeleton_link_colors``, ``joint_weights``, ``sigmas`` (names or ids in pairs).

Either may come from a python file: ``dict(from_file='pose/datasets/metainfo/coco.py')``.
The parsed result is itself a valid flat description, so parsing is idempotent.
"""
import os.path as osp
from pathlib import Path
from typing import Dict, List, Sequence, Tuple, Union

import numpy as np
from mmengine.config import Config

# The repository (or site-packages) directory that holds the ``pose`` package: relative
# ``from_file`` paths such as 'pose/datasets/metainfo/coco.py' resolve against it too.
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
_DEFAULT_KEYPOINT_COLOR = (255, 128, 0)
_DEFAULT_LINK_COLOR = (96, 96, 255)


def resolve_metainfo_file(filename: str) -> str:
    """Find a metainfo file as given, or relative to the directory holding ``pose``."""
    candidates = [Path(filename), _PACKAGE_ROOT / filename]
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise FileNotFoundError(f'Metainfo file {filename!r} not found; looked at '
                            f'{[str(c) for c in candidates]}')


def load_metainfo_file(filename: str) -> dict:
    """Read the ``dataset_info`` dict of a metainfo python file."""
    path = resolve_metainfo_file(filename)
    cfg = Config.fromfile(path)
    if 'dataset_info' not in cfg:
        raise KeyError(f'Metainfo file {path} defines no `dataset_info` dict')
    return cfg.dataset_info.to_dict()


def _to_ids(items: Sequence, name2id: Dict[str, int], what: str) -> List:
    """Replace keypoint names by ids in nested lists/tuples of names or ids."""
    if isinstance(items, (list, tuple)):
        return type(items)(_to_ids(item, name2id, what) for item in items)
    if isinstance(items, str):
        if items not in name2id:
            raise KeyError(f'Unknown keypoint name {items!r} in {what}')
        return name2id[items]
    return int(items)


def _flatten_mmpose_style(metainfo: dict) -> dict:
    """Rewrite an mmpose-style description (``keypoint_info``) in the flat style."""
    keypoint_info = metainfo['keypoint_info']
    kpts = [keypoint_info[i] for i in sorted(keypoint_info)]
    names = [kpt['name'] for kpt in kpts]
    # an empty or self swap means the keypoint is its own mirror partner
    partners = [kpt.get('swap') or kpt['name'] for kpt in kpts]
    links = [metainfo['skeleton_info'][i] for i in sorted(metainfo.get('skeleton_info', {}))]
    flat = {k: v for k, v in metainfo.items() if k not in ('keypoint_info', 'skeleton_info')}
    flat.update(
        keypoint_names=names,
        flip_indices=[names.index(partner) if partner in names else -1 for partner in partners],
        upper_body_ids=[i for i, kpt in enumerate(kpts) if kpt.get('type') == 'upper'],
        lower_body_ids=[i for i, kpt in enumerate(kpts) if kpt.get('type') == 'lower'],
        keypoint_colors=[kpt.get('color', _DEFAULT_KEYPOINT_COLOR) for kpt in kpts],
        skeleton_links=[tuple(link['link']) for link in links],
        skeleton_link_colors=[link.get('color', _DEFAULT_LINK_COLOR) for link in links])
    return flat


def _flip_indices(flat: dict, name2id: Dict[str, int]) -> List[int]:
    """Mirror partner of every keypoint, from ``flip_indices`` or ``flip_pairs``."""
    num_keypoints = len(name2id)
    if flat.get('flip_indices') is not None:
        flip_indices = [int(i) for i in flat['flip_indices']]
    else:
        flip_indices = list(range(num_keypoints))
        for a, b in _to_ids(flat.get('flip_pairs', []), name2id, 'flip_pairs'):
            flip_indices[a], flip_indices[b] = b, a
    valid = (len(flip_indices) == num_keypoints
             and all(0 <= i < num_keypoints and flip_indices[i] == k
                     for k, i in enumerate(flip_indices)))
    if not valid:
        raise ValueError(f'flip indices {flip_indices} are not a pairing of the '
                         f'{num_keypoints} keypoints (each must be its partner\'s partner)')
    return flip_indices


def _per_keypoint_array(values: Union[Sequence[float], None], key: str, num_keypoints: int,
                        default: Union[float, None]) -> Union[np.ndarray, None]:
    """(K,) float32 array of the ``key`` values; ``default`` fills it when absent (None: none)."""
    if values is None:
        return None if default is None else np.full(num_keypoints, default, dtype=np.float32)
    values = np.asarray(values, dtype=np.float32).reshape(-1)
    if values.shape[0] != num_keypoints:
        raise ValueError(f'metainfo `{key}` has {values.shape[0]} values, expected '
                         f'{num_keypoints} (one per keypoint)')
    return values


def _colors(values: Sequence, count: int, default: Tuple[int, int, int]) -> np.ndarray:
    """(count, 3) uint8 colours, the default colour where none is given."""
    if values is None or len(values) == 0:
        return np.tile(np.array(default, dtype=np.uint8), (count, 1))
    return np.asarray(values, dtype=np.uint8).reshape(count, 3)


def parse_pose_metainfo(metainfo: dict) -> dict:
    """Parse a dataset description (see the module docstring).

    Returns:
        The input's other keys, plus ``dataset_name``, ``num_keypoints`` K,
        ``keypoint_names`` [K], ``keypoint_id2name``, ``keypoint_name2id``, ``flip_indices``
        [K], ``flip_pairs`` [(i, j)], ``upper_body_ids``, ``lower_body_ids``,
        ``keypoint_colors`` (K, 3) uint8, ``skeleton_links`` [(i, j)], ``num_skeleton_links``,
        ``skeleton_link_colors`` (L, 3) uint8, ``dataset_keypoint_weights`` (K,) float32
        (``joint_weights``, ones by default) and ``sigmas`` (K,) float32 OKS sigmas, or None
        when the description has none.
    """
    if 'from_file' in metainfo:
        extra = {k: v for k, v in metainfo.items() if k != 'from_file'}
        metainfo = {**load_metainfo_file(metainfo['from_file']), **extra}
    flat = _flatten_mmpose_style(metainfo) if 'keypoint_info' in metainfo else dict(metainfo)
    for key in ('dataset_name', 'keypoint_names'):
        if key not in flat:
            raise KeyError(f'Pose metainfo needs `{key}`; got keys {sorted(flat)}')
    names = list(flat['keypoint_names'])
    name2id = {name: i for i, name in enumerate(names)}
    num_keypoints = len(names)
    flip_indices = _flip_indices(flat, name2id)
    links = [tuple(link) for link in _to_ids(flat.get('skeleton_links', []), name2id,
                                             'skeleton_links')]
    joint_weights = flat.get('dataset_keypoint_weights', flat.get('joint_weights'))
    flat.update(
        num_keypoints=num_keypoints,
        keypoint_names=names,
        keypoint_id2name=dict(enumerate(names)),
        keypoint_name2id=name2id,
        flip_indices=flip_indices,
        flip_pairs=[(k, i) for k, i in enumerate(flip_indices) if k < i],
        upper_body_ids=_to_ids(list(flat.get('upper_body_ids', [])), name2id, 'upper_body_ids'),
        lower_body_ids=_to_ids(list(flat.get('lower_body_ids', [])), name2id, 'lower_body_ids'),
        keypoint_colors=_colors(flat.get('keypoint_colors'), num_keypoints,
                                _DEFAULT_KEYPOINT_COLOR),
        skeleton_links=links,
        num_skeleton_links=len(links),
        skeleton_link_colors=_colors(flat.get('skeleton_link_colors'), len(links),
                                     _DEFAULT_LINK_COLOR),
        dataset_keypoint_weights=_per_keypoint_array(joint_weights, 'joint_weights',
                                                     num_keypoints, 1.0),
        sigmas=_per_keypoint_array(flat.get('sigmas'), 'sigmas', num_keypoints, None))
    flat.pop('joint_weights', None)
    return flat


def metainfo_path(name: str) -> str:
    """Absolute path of a bundled metainfo file, e.g. ``metainfo_path('coco')``."""
    return osp.join(osp.dirname(osp.abspath(__file__)), 'metainfo', f'{name}.py')
