"""Print the parameters and FLOPs of a model, in the published table's convention and in MACs.

Examples::

    python tools/analysis/complexity.py configs/pose/lite_hrnet/coco/litehrnet_18_coco_256x192.py
    python tools/analysis/complexity.py --variant litehrnet_18 --shape 256 192 --num-outputs 17
"""
import argparse
import os.path as osp
from typing import Tuple

from mmengine.config import Config
from torch import nn

from engine import TensorForward, build_model, model_input_shape
from litehrnet import LiteHRNet
from litehrnet.complexity import (MEBI, BackboneWithHead, count_parameters, dummy_input,
                                  published_flops, standard_macs)


# The published backbones, as every config takes them.
VARIANTS = Config.fromfile(osp.join(osp.dirname(__file__), '../../configs/_base_/backbones/'
                                    'litehrnet.py'))
VARIANT_NAMES = tuple(VARIANTS.keys())


def model_from_config(path: str) -> Tuple[nn.Module, Tuple[int, int]]:
    """The model of a config in tensor mode, and the input (H, W) of its test pipeline."""
    model = build_model(path)
    return TensorForward(model), model_input_shape(model)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', nargs='?', help='a pose or segmentation config')
    parser.add_argument('--variant', choices=VARIANT_NAMES,
                        help='a named backbone variant with a 1x1 head, instead of a config')
    parser.add_argument('--num-outputs', type=int, default=17,
                        help='output channels of the 1x1 head of --variant (keypoints)')
    parser.add_argument('--shape', type=int, nargs=2, metavar=('H', 'W'),
                        help='input height and width (default: the config\'s input_shape)')
    args = parser.parse_args()
    if (args.config is None) == (args.variant is None):
        parser.error('give either a config or --variant')
    return args


def main() -> None:
    args = parse_args()
    if args.config:
        model, shape = model_from_config(args.config)
        name = args.config
    else:
        backbone = LiteHRNet(VARIANTS[args.variant].extra.to_dict(), init_cfg=None)
        model = BackboneWithHead(backbone, backbone.out_channels[0], args.num_outputs)
        shape, name = (256, 192), f'{args.variant} + 1x1 head ({args.num_outputs} outputs)'
    shape = tuple(args.shape) if args.shape else shape
    inputs = dummy_input(shape)
    params = count_parameters(model)
    published = published_flops(model, inputs)
    macs = standard_macs(model, inputs)
    print(f'model:  {name}')
    print(f'input:  1x3x{shape[0]}x{shape[1]}')
    print(f'params: {params:,} ({params / 1e6:.2f}M)')
    print(f'FLOPs (published convention: torchstat leaf-module rules, M = 2^20): '
          f'{published / MEBI:.1f}M ({published:,})')
    print(f'MACs (standard: every conv/linear multiply-accumulate): {macs / 1e6:.1f}M '
          f'({macs:,}); FLOPs = 2 x MACs = {2 * macs / 1e9:.3f}G')


if __name__ == '__main__':
    main()
