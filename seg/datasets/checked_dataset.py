"""A dataset wrapper that fails early, naming the path, when a segmentation dataset's files are
missing."""
import copy
import os.path as osp
from typing import List, Union

from mmengine import fileio
from mmengine.dataset import BaseDataset

from mmseg.registry import DATASETS


@DATASETS.register_module()
class CheckedDataset:
    """Wraps an mmseg dataset and checks its files before the first sample is loaded.

    Without it, mmseg reports a missing image folder only through ``os.scandir``'s error, an
    empty one as ``need at least one array to concatenate``, and missing label maps (e.g. the
    Cityscapes ``*_labelTrainIds.png`` before the converter was run) only when the first
    batch is loaded. This wrapper raises ``FileNotFoundError`` naming the path instead, with
    ``hint`` appended (e.g. how to download or convert the dataset).

    Checked in order: ``data_root``, every ``data_prefix`` folder and ``ann_file`` exist; at
    least one image with ``img_suffix`` exists; every sample's label map exists.

    Args:
        dataset: the wrapped dataset or its config (an mmseg ``BaseSegDataset``).
        hint: appended to every error message.
        lazy_init: defer the checks and the data list to :meth:`full_init`.
    """

    def __init__(self, dataset: Union[BaseDataset, dict], hint: str = '',
                 lazy_init: bool = False) -> None:
        if isinstance(dataset, dict):
            # Built lazily: mmseg would list the (maybe missing) folders in its constructor.
            dataset = DATASETS.build({**dataset, 'lazy_init': True})
        self.dataset: BaseDataset = dataset
        self.hint = hint
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's meta information (classes, palette, ...)."""
        return copy.deepcopy(self.dataset.metainfo)

    def full_init(self) -> None:
        """Check the folders, load the wrapped dataset's data list, then check its label maps."""
        if self._fully_initialized:
            return
        self._check_sources()
        self.dataset.full_init()
        self._check_label_maps()
        self._fully_initialized = True

    def _fail(self, message: str) -> None:
        raise FileNotFoundError(f'{message}. {self.hint}'.strip())

    def _check_sources(self) -> None:
        ds = self.dataset
        if ds.data_root and not osp.isdir(ds.data_root):
            self._fail(f'{type(ds).__name__}: data_root {ds.data_root!r} does not exist')
        for key, path in ds.data_prefix.items():
            if path and not osp.isdir(path):
                self._fail(f'{type(ds).__name__}: data_prefix.{key} folder {path!r} '
                           'does not exist')
        # mmseg reads a folder given as ann_file as "no split list".
        if ds.ann_file and not osp.isdir(ds.ann_file):
            if not osp.isfile(ds.ann_file):
                self._fail(f'{type(ds).__name__}: ann_file {ds.ann_file!r} does not exist')
            return
        img_dir = ds.data_prefix.get('img_path', '')
        images = fileio.list_dir_or_file(img_dir, list_dir=False, suffix=ds.img_suffix,
                                         recursive=True)
        if next(iter(images), None) is None:
            self._fail(f'{type(ds).__name__}: no image ending in {ds.img_suffix!r} under '
                       f'{img_dir!r}')

    def _check_label_maps(self) -> None:
        ds = self.dataset
        if len(ds) == 0:
            self._fail(f'{type(ds).__name__}: no samples listed in {ds.ann_file!r}')
        paths = (ds.get_data_info(i).get('seg_map_path') for i in range(len(ds)))
        missing: List[str] = [p for p in paths if p is not None and not osp.isfile(p)]
        if missing:
            self._fail(f'{type(ds).__name__}: {len(missing)} of {len(ds)} label maps are '
                       f'missing, the first is {missing[0]!r}')

    def get_data_info(self, idx: int) -> dict:
        """The wrapped dataset's annotation of sample ``idx``."""
        self.full_init()
        return self.dataset.get_data_info(idx)

    def __len__(self) -> int:
        self.full_init()
        return len(self.dataset)

    def __getitem__(self, idx: int) -> dict:
        self.full_init()
        return self.dataset[idx]
