"""Make the Cityscapes training labels and split lists that the segmentation configs read.

    python tools/dataset_converters/cityscapes.py CITYSCAPES_PATH [--nproc N] [-o OUT]
                                                  [--gt-dir gtFine]

Every ``<gt-dir>/<split>/<city>/*_gtFine_polygons.json`` under CITYSCAPES_PATH is drawn by
cityscapesscripts' ``json2labelImg(json, png, 'trainIds')`` into
``OUT/<gt-dir>/<split>/<city>/*_gtFine_labelTrainIds.png`` (19 classes 0..18, 255 elsewhere),
and ``OUT/<split>.txt`` lists each split's frames as ``<city>/<city>_<seq>_<frame>`` (usable as
a dataset's ``ann_file``). OUT defaults to CITYSCAPES_PATH: the labels then sit beside the json
files, where the configs (``data_root='data/cityscapes/'``) look for them, as with mmseg's
converter.
"""
import argparse
import os
import os.path as osp
from typing import Dict, List, Tuple

from cityscapesscripts.preparation.json2labelImg import json2labelImg
from mmengine.utils import scandir, track_parallel_progress, track_progress

POLYGON_SUFFIX = '_gtFine_polygons.json'
LABEL_SUFFIX = '_gtFine_labelTrainIds.png'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('cityscapes_path', help='the folder holding leftImg8bit/ and gtFine/')
    parser.add_argument('--gt-dir', default='gtFine', help='annotation folder, relative')
    parser.add_argument('-o', '--out-dir', help='output root (default: CITYSCAPES_PATH)')
    parser.add_argument('--nproc', type=int, default=1, help='worker processes')
    return parser.parse_args()


def find_polygon_files(gt_dir: str) -> List[str]:
    """Sorted paths, relative to ``gt_dir``, of every ``*_gtFine_polygons.json`` below it."""
    if not osp.isdir(gt_dir):
        raise FileNotFoundError(f'annotation folder {gt_dir!r} does not exist (expected '
                                f'<CITYSCAPES_PATH>/gtFine/<split>/<city>/*{POLYGON_SUFFIX})')
    files = sorted(scandir(gt_dir, POLYGON_SUFFIX, recursive=True))
    if not files:
        raise FileNotFoundError(f'no *{POLYGON_SUFFIX} file under {gt_dir!r}')
    return files


def convert_one(task: Tuple[str, str]) -> None:
    """Draw one polygon file (``task`` = (json path, png path)) as a trainIds label image."""
    json_file, label_file = task
    os.makedirs(osp.dirname(label_file), exist_ok=True)
    try:
        json2labelImg(json_file, label_file, 'trainIds')
    except SystemExit as error:
        # cityscapesscripts calls sys.exit() on an unknown label: a worker would die silently.
        raise RuntimeError(f'{json_file}: cityscapesscripts could not convert it (see its '
                           'message above)') from error


def split_lists(polygon_files: List[str]) -> Dict[str, List[str]]:
    """Split name -> ``<city>/<city>_<seq>_<frame>`` of each of its polygon files."""
    splits: Dict[str, List[str]] = {}
    for rel in polygon_files:
        if os.sep not in rel:
            raise ValueError(f'{rel}: expected <gt-dir>/<split>/<city>/*{POLYGON_SUFFIX}')
        split, frame = rel.split(os.sep, 1)
        splits.setdefault(split, []).append(frame[:-len(POLYGON_SUFFIX)].replace(os.sep, '/'))
    return splits


def main() -> None:
    args = parse_args()
    gt_dir = osp.join(args.cityscapes_path, args.gt_dir)
    out_dir = args.out_dir or args.cityscapes_path
    polygon_files = find_polygon_files(gt_dir)
    tasks = [(osp.join(gt_dir, rel),
              osp.join(out_dir, args.gt_dir, rel[:-len(POLYGON_SUFFIX)] + LABEL_SUFFIX))
             for rel in polygon_files]
    if args.nproc > 1:
        track_parallel_progress(convert_one, tasks, args.nproc)
    else:
        track_progress(convert_one, tasks)
    splits = split_lists(polygon_files)
    for split, frames in splits.items():
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.writelines(frame + '\n' for frame in frames)
    print(f'wrote {len(tasks)} label images under {osp.join(out_dir, args.gt_dir)} and '
          f'{", ".join(f"{split}.txt" for split in sorted(splits))} in {out_dir}')


if __name__ == '__main__':
    main()
