"""Segmentation inference API (mmseg's ``inference_model`` runs the models it builds)."""
from .inference import config_dataset_meta, init_model

__all__ = ['config_dataset_meta', 'init_model']
