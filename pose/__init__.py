"""Top-down heatmap pose estimation on mmengine, with the Lite-HRNet backbone."""
import litehrnet  # noqa: F401  registers LiteHRNet in mmengine's root MODELS
