"""The original Lite-HRNet implementation's forward over our modules: the parity oracle that
tests and benchmarks compare our backbone with. Not used by the model itself."""
from .original_forward import ReferenceLiteHRNet, reference_forward, reference_model

__all__ = ['ReferenceLiteHRNet', 'reference_forward', 'reference_model']
