"""CheckedDataset: the bundled samples load; missing or empty data fails early, naming the path."""
import pytest

from mmseg.registry import DATASETS


def cityscapes(data_root, split='val', **kwargs):
    return dict(type='CheckedDataset', hint='HINT: run the converter',
                dataset=dict(type='CityscapesDataset', data_root=str(data_root),
                             data_prefix=dict(img_path=f'leftImg8bit/{split}',
                                              seg_map_path=f'gtFine/{split}'),
                             pipeline=[], **kwargs))


def test_wraps_the_cityscapes_sample(cityscapes_root):
    dataset = DATASETS.build(cityscapes(cityscapes_root))
    assert len(dataset) == 1
    assert len(dataset.metainfo['classes']) == 19
    info = dataset.get_data_info(0)
    assert info['seg_map_path'].endswith('frankfurt_000000_000294_gtFine_labelTrainIds.png')
    assert dataset[0]['img_path'] == info['img_path']


def test_wraps_the_ade20k_sample(ade_root):
    dataset = DATASETS.build(dict(
        type='CheckedDataset',
        dataset=dict(type='ADE20KDataset', data_root=str(ade_root), reduce_zero_label=True,
                     data_prefix=dict(img_path='images/validation',
                                      seg_map_path='annotations/validation'), pipeline=[])))
    assert len(dataset) == 3 and len(dataset.metainfo['classes']) == 150


def test_missing_data_root_names_it_with_the_hint(tmp_path):
    missing = tmp_path / 'cityscapes'
    with pytest.raises(FileNotFoundError, match=f"data_root '{missing}' does not exist.*HINT"):
        DATASETS.build(cityscapes(missing))


def test_missing_split_folder_names_it(tmp_path, cityscapes_root):
    with pytest.raises(FileNotFoundError, match=r"img_path folder '.*leftImg8bit/train'"):
        DATASETS.build(cityscapes(cityscapes_root, split='train'))


def test_folder_without_images_names_it(tmp_path):
    for folder in ('leftImg8bit/val', 'gtFine/val'):
        (tmp_path / folder).mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match='no image') as error:
        DATASETS.build(cityscapes(tmp_path))
    assert "'_leftImg8bit.png'" in str(error.value)  # the suffix looked for
    assert f"'{tmp_path / 'leftImg8bit/val'}'" in str(error.value)  # and where


def test_missing_label_maps_name_the_first(tmp_path, cityscapes_root, writable_copy):
    # As before the converter has run: no *_labelTrainIds.png yet.
    writable_copy(cityscapes_root, tmp_path)
    label = next(tmp_path.rglob('*_labelTrainIds.png'))
    label.unlink()
    with pytest.raises(FileNotFoundError, match=r'\b1 of 1 label maps\b') as error:
        DATASETS.build(cityscapes(tmp_path))
    assert 'missing' in str(error.value)
    assert f"'{label}'" in str(error.value) and 'HINT' in str(error.value)


def test_missing_split_list_names_it(tmp_path, cityscapes_root):
    with pytest.raises(FileNotFoundError, match=r"ann_file '.*val\.txt' does not exist"):
        DATASETS.build(cityscapes(cityscapes_root, ann_file='val.txt'))


def test_lazy_init_defers_the_checks(tmp_path):
    dataset = DATASETS.build({**cityscapes(tmp_path / 'missing'), 'lazy_init': True})
    with pytest.raises(FileNotFoundError, match='does not exist'):
        len(dataset)
