"""Top-down pipeline transforms (registered in ``pose.registry.TRANSFORMS``)."""
from .generate_mask_target import GenerateMaskTarget
from .generate_target import GenerateTarget
from .get_bbox_center_scale import GetBBoxCenterScale
from .load_person_mask import LoadPersonMask
from .loading import LoadImage
from .pack_pose_inputs import PackPoseInputs
from .random_bbox_transform import RandomBBoxTransform
from .random_flip import RandomFlip
from .random_half_body import RandomHalfBody
from .random_scale_rotation import RandomScaleRotation
from .topdown_affine import TopdownAffine

__all__ = [
    'GenerateMaskTarget', 'GenerateTarget', 'GetBBoxCenterScale', 'LoadImage', 'LoadPersonMask',
    'PackPoseInputs',
    'RandomBBoxTransform', 'RandomFlip', 'RandomHalfBody', 'RandomScaleRotation',
    'TopdownAffine'
]
