"""Semantic segmentation with Lite-HRNet on mmsegmentation 1.x."""
import litehrnet  # noqa: F401  registers LiteHRNet in mmengine's root MODELS
