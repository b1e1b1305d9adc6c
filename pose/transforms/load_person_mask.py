"""The person's silhouette as a raster beside the image, for the mask target."""

from mmcv.transforms import BaseTransform

from pose.registry import TRANSFORMS
from pose.structures import segmentation_to_mask

# values of ``person_mask``: the crop's own person, and crowd regions the loss ignores
PERSON, IGNORE = 1, 255


@TRANSFORMS.register_module()
class LoadPersonMask(BaseTransform):
    """Rasterise the instance's ``segmentation`` at the loaded image's size.

    Adds ``person_mask``: (H, W) uint8, 1 on the person, 255 on the image's crowd regions
    (``crowd_segmentations``) outside the person (unlabelled people: the mask loss ignores
    them), 0 elsewhere (background and the other people); None when the instance has no
    segmentation (it then trains its keypoints only). Use it after ``LoadImage`` and before
    ``RandomFlip``, which flips the raster with the image. Needs a dataset built with
    ``with_masks=True``.
    """

    def transform(self, results: dict) -> dict:
        if 'segmentation' not in results:
            raise KeyError(f'{type(self).__name__} needs the instance\'s "segmentation": build '
                           'the dataset with with_masks=True')
        segmentation = results['segmentation']
        if segmentation is None:
            results['person_mask'] = None
            return results
        shape = results['img'].shape[:2]
        where = results.get('mask_source', results.get('img_path', 'a sample'))
        mask = segmentation_to_mask(segmentation, shape, where)
        for crowd in results.get('crowd_segmentations') or ():
            crowd_mask = segmentation_to_mask(crowd, shape, f'{where} (a crowd region of its image)')
            mask[(crowd_mask > 0) & (mask == 0)] = IGNORE
        results['person_mask'] = mask
        return results
