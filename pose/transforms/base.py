"""The transform base class: mmcv's when mmcv is installed, else an equivalent one.

mmcv's ``BaseTransform`` only maps ``__call__`` to ``transform``; mirroring it here lets the
pose pipeline run (and be tested) on machines where the compiled mmcv is not available.
"""
from abc import ABCMeta, abstractmethod
from typing import Dict, List, Optional, Tuple, Union

try:
    from mmcv.transforms import BaseTransform
except ImportError:  # mmcv missing or not built: same interface, no mmcv needed

    class BaseTransform(metaclass=ABCMeta):  # type: ignore[no-redef]
        """A data transform: ``results = transform(results)``; None drops the sample."""

        def __call__(self, results: Dict) -> Optional[Union[Dict, Tuple[List, List]]]:
            return self.transform(results)

        @abstractmethod
        def transform(self, results: Dict) -> Optional[Union[Dict, Tuple[List, List]]]:
            """Transform the results dict (in place or as a new dict) and return it."""

__all__ = ['BaseTransform']
