"""Make the Cityscapes training labels and split lists that the segmentation configs read.

    python tools/dataset_converters/cityscapes.py CITYSCAPES_PATH [--nproc N] [-o OUT]
                                                  [--gt-dir gtFine]

Every ``<gt-dir>/<split>/<city>/<frame>_<gt>_polygons.json`` under CITYSCAPES_PATH (``<gt>`` is
``gtFine``, or ``gtCoarse`` with ``--gt-dir gtCoarse``) is drawn by cityscapesscripts
(``createLabelImage(annotation, 'trainIds')``, what its ``json2labelImg`` draws) into
``OUT/<gt-dir>/<split>/<city>/<frame>_<gt>_labelTrainIds.png`` (19 classes 0..18, 255
elsewhere), and ``OUT/<split>.txt`` lists each split's frames as ``<city>/<frame>`` (usable as a
dataset's ``ann_file``; gtFine and gtCoarse list the same frames for train and val). OUT defaults
to CITYSCAPES_PATH: the labels then sit beside the json files, where the configs
(``data_root='data/cityscapes/'``) look for them, as with mmseg's converter.

The official evaluation (``CityscapesOfficialMetric``, mmseg's ``CityscapesMetric``) reads the
``*_labelIds.png`` and ``*_instanceIds.png`` beside each ``*_labelTrainIds.png``, so those are
placed in OUT too: copied from beside the json file (as the Cityscapes download has them), or,
where there are none, drawn from the polygons as cityscapesscripts' ``json2labelImg`` and
``json2instanceImg`` draw them.

Every file is written under a temporary name in its folder and then renamed over the final
one: a conversion that is killed leaves complete files and hidden ``*.partial`` ones, never a
truncated label map that passes the dataset's existence check and fails mid-training. A rerun
removes the ``*.partial`` files and writes every file again.
"""
import argparse
import os
import os.path as osp
import re
import shutil
from typing import BinaryIO, Callable, Dict, List, NamedTuple

from cityscapesscripts.helpers.annotation import Annotation
from cityscapesscripts.preparation.json2instanceImg import createInstanceImage
from cityscapesscripts.preparation.json2labelImg import createLabelImage
from mmengine.utils import scandir, track_parallel_progress, track_progress

POLYGON_SUFFIX = '_polygons.json'
LABEL_SUFFIX = '_labelTrainIds.png'
# What the official evaluation reads beside each label map, and how each is drawn. Instance ids
# (label id * 1000 + instance, at most 33999) are 16-bit PNGs, as in the download; recent
# Pillow no longer writes cityscapesscripts' 32-bit 'I' images as PNG.
COMPANIONS: Dict[str, Callable] = {
    '_labelIds.png': lambda annotation: createLabelImage(annotation, 'ids'),
    '_instanceIds.png': lambda annotation: createInstanceImage(annotation, 'ids').convert('I;16'),
}
# Temporary files: '.<final name>.<pid>.partial' beside the final one.
PARTIAL_SUFFIX = '.partial'
PARTIAL_NAME = re.compile(r'\..+\.\d+' + re.escape(PARTIAL_SUFFIX))


class Frame(NamedTuple):
    """One polygon file and where its images go: ``_labelTrainIds.png`` or a companion's
    suffix is appended to the ``*_base`` paths (e.g. ``.../aachen_000000_000019_gtFine``)."""

    json_file: str
    source_base: str  # beside the json file
    out_base: str  # in OUT


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('cityscapes_path', help='the folder holding leftImg8bit/ and gtFine/')
    parser.add_argument('--gt-dir', default='gtFine',
                        help='annotation folder, relative (gtFine or gtCoarse)')
    parser.add_argument('-o', '--out-dir', help='output root (default: CITYSCAPES_PATH)')
    parser.add_argument('--nproc', type=int, default=1, help='worker processes')
    return parser.parse_args()


def find_polygon_files(gt_dir: str) -> List[str]:
    """Sorted paths, relative to ``gt_dir``, of every ``*_polygons.json`` below it."""
    gt = osp.basename(osp.normpath(gt_dir))
    if not osp.isdir(gt_dir):
        raise FileNotFoundError(f'annotation folder {gt_dir!r} does not exist (expected '
                                f'<CITYSCAPES_PATH>/{gt}/<split>/<city>/*_{gt}{POLYGON_SUFFIX})')
    files = sorted(scandir(gt_dir, POLYGON_SUFFIX, recursive=True))
    if not files:
        raise FileNotFoundError(f'no *{POLYGON_SUFFIX} file under {gt_dir!r}')
    return files


def write_atomically(path: str, write: Callable[[BinaryIO], None]) -> None:
    """Create or replace ``path`` with what ``write`` writes to the file it is given.

    The data goes to a temporary file in the same folder, hence on the same file system, which
    ``os.replace`` then renames over ``path`` in one step: readers, and a rerun after a kill,
    see the old file or the complete new one. The pid keeps the workers' names apart.
    """
    folder, name = osp.split(path)
    partial = osp.join(folder, f'.{name}.{os.getpid()}{PARTIAL_SUFFIX}')
    try:
        with open(partial, 'wb') as f:
            write(f)
            # On disk before the rename, or a machine crash could leave an empty file under
            # the final name.
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    except BaseException:
        if osp.exists(partial):
            os.remove(partial)
        raise


def remove_partial_files(folder: str, recursive: bool) -> int:
    """Delete the temporary files that killed runs left under ``folder``; return how many."""
    removed = 0
    # Not mmengine's scandir: it skips hidden files.
    for root, _, names in os.walk(folder):
        for name in names:
            if PARTIAL_NAME.fullmatch(name):
                os.remove(osp.join(root, name))
                removed += 1
        if not recursive:
            break
    return removed


def load_annotation(json_file: str) -> Annotation:
    """The polygons of ``json_file``, with errors naming it."""
    annotation = Annotation()
    try:
        annotation.fromJsonFile(json_file)
    except Exception as error:  # truncated, not Cityscapes json, malformed points: the file's
        raise ValueError(f'{json_file}: not a readable Cityscapes polygon file '
                         f'({type(error).__name__}: {error})') from error
    return annotation


def convert_one(frame: Frame) -> None:
    """Draw one polygon file as a trainIds label map and place the evaluation's companions."""
    annotation = load_annotation(frame.json_file)
    os.makedirs(osp.dirname(frame.out_base), exist_ok=True)
    try:
        # Pillow's PNG defaults, as json2labelImg saves it (the format is named because a
        # file object has no extension to tell it).
        train_ids = createLabelImage(annotation, 'trainIds')
        write_atomically(frame.out_base + LABEL_SUFFIX,
                         lambda f: train_ids.save(f, format='PNG'))
        for suffix, draw in COMPANIONS.items():
            source, out = frame.source_base + suffix, frame.out_base + suffix
            if not osp.isfile(source):
                image = draw(annotation)
                write_atomically(out, lambda f: image.save(f, format='PNG'))
            elif osp.realpath(source) != osp.realpath(out):
                with open(source, 'rb') as src:
                    write_atomically(out, lambda f: shutil.copyfileobj(src, f))
    except SystemExit as error:
        # cityscapesscripts calls sys.exit() on an unknown label: a worker would die silently.
        raise RuntimeError(f'{frame.json_file}: cityscapesscripts could not convert it (see its '
                           'message above)') from error
    except OSError:
        raise  # writing failed: the message names the output file
    except Exception as error:  # Pillow's drawing of malformed points or image sizes
        raise ValueError(f'{frame.json_file}: cannot draw its polygons ({type(error).__name__}: '
                         f'{str(error)[:200]})') from error


def frame_name(rel: str) -> str:
    """``<city>/<frame>`` of ``<city>/<frame>_<gt>_polygons.json`` (a polygon file's path
    below its split): the name a dataset's ``ann_file`` lists."""
    base = rel[:-len(POLYGON_SUFFIX)]
    return base.rsplit('_', 1)[0].replace(os.sep, '/')


def split_lists(polygon_files: List[str]) -> Dict[str, List[str]]:
    """Split name -> ``<city>/<city>_<seq>_<frame>`` of each of its polygon files."""
    splits: Dict[str, List[str]] = {}
    for rel in polygon_files:
        if os.sep not in rel:
            raise ValueError(f'{rel}: expected <gt-dir>/<split>/<city>/*{POLYGON_SUFFIX}')
        split, frame = rel.split(os.sep, 1)
        splits.setdefault(split, []).append(frame_name(frame))
    return splits


def main() -> None:
    args = parse_args()
    gt_dir = osp.join(args.cityscapes_path, args.gt_dir)
    out_dir = args.out_dir or args.cityscapes_path
    out_gt_dir = osp.join(out_dir, args.gt_dir)
    polygon_files = find_polygon_files(gt_dir)
    removed = remove_partial_files(out_gt_dir, recursive=True) + remove_partial_files(
        out_dir, recursive=False)
    if removed:
        print(f'removed {removed} partial files left by an interrupted conversion')
    splits = split_lists(polygon_files)  # before anything is written: a misplaced file fails
    frames = [Frame(osp.join(gt_dir, rel), osp.join(gt_dir, rel[:-len(POLYGON_SUFFIX)]),
                    osp.join(out_gt_dir, rel[:-len(POLYGON_SUFFIX)]))
              for rel in polygon_files]
    if args.nproc > 1:
        track_parallel_progress(convert_one, frames, args.nproc)
    else:
        track_progress(convert_one, frames)
    for split, names in splits.items():
        text = ''.join(name + '\n' for name in names).encode()
        write_atomically(osp.join(out_dir, f'{split}.txt'), lambda f: f.write(text))
    print(f'wrote {len(frames)} label images and their {" and ".join(COMPANIONS)} companions '
          f'under {out_gt_dir} and {", ".join(f"{split}.txt" for split in sorted(splits))} in '
          f'{out_dir}')


if __name__ == '__main__':
    main()
