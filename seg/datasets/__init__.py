"""Dataset wrappers (registered in mmseg's ``DATASETS``)."""
from .checked_dataset import CheckedDataset

__all__ = ['CheckedDataset']
