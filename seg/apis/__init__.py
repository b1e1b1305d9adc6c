"""Segmentation inference API: ``init_model`` (``engine.init_model``: weights-only checkpoint
loading, dataset meta, backends) builds a segmentor that mmseg's ``inference_model`` runs."""
from engine import init_model

__all__ = ['init_model']
