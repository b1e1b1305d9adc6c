"""LoadImage(skip_corrupt=True): corrupt images give None (mmengine's BaseDataset then loads
another sample) and are counted; missing files still fail."""
import pytest

from pose.registry import DATASETS, TRANSFORMS


def test_corrupt_images_are_skipped_and_counted(tmp_path, coco_dir):
    corrupt = tmp_path / 'corrupt.jpg'
    corrupt.write_bytes(b'not a jpeg at all')
    load = TRANSFORMS.build(dict(type='LoadImage', skip_corrupt=True))
    assert load(dict(img_path=str(corrupt))) is None
    assert load(dict(img_path=str(corrupt))) is None
    assert load(dict(img_path=str(coco_dir / '000000000785.jpg')))['img'].shape == (425, 640, 3)
    assert load.skipped == 2


def test_missing_files_are_not_skipped(tmp_path):
    load = TRANSFORMS.build(dict(type='LoadImage', skip_corrupt=True))
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        load(dict(img_path=str(tmp_path / 'missing.jpg')))
    assert load.skipped == 0


def test_a_training_dataset_replaces_the_skipped_samples(tmp_path, coco_dir):
    root = tmp_path / 'coco'
    root.mkdir()
    for image in coco_dir.glob('*.jpg'):
        (root / image.name).write_bytes(image.read_bytes())
    (root / '000000197388.jpg').write_bytes(b'corrupt')
    dataset = DATASETS.build(dict(
        type='CocoDataset', data_root=str(root), ann_file=str(coco_dir / 'test_coco.json'),
        data_prefix=dict(img=''), pipeline=[dict(type='LoadImage', skip_corrupt=True)]))
    samples = [dataset[i] for i in range(len(dataset))]  # training mode: replaced, not None
    assert all(not s['img_path'].endswith('000000197388.jpg') for s in samples)
    assert dataset.pipeline.transforms[0].skipped >= 5  # its 5 people at least
