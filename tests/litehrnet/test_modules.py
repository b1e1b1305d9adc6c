import warnings

import torch

from litehrnet import LiteHRNet, variant_extra
from litehrnet.modules import channel_shuffle


def test_channel_shuffle_interleaves_groups():
    x = torch.arange(6.).view(1, 6, 1, 1)
    assert channel_shuffle(x, 2).flatten().tolist() == [0., 3., 1., 4., 2., 5.]
    y = torch.randn(2, 8, 3, 5)
    expected = y.view(2, 2, 4, 3, 5).transpose(1, 2).reshape(2, 8, 3, 5)
    assert torch.equal(channel_shuffle(y, 2), expected)


def test_trace_without_warnings_and_with_another_batch_size():
    model = LiteHRNet(variant_extra('litehrnet_18'), init_cfg=None).eval()
    x = torch.randn(1, 3, 64, 64)
    with warnings.catch_warnings():
        warnings.simplefilter('error', torch.jit.TracerWarning)
        traced = torch.jit.trace(model, x)
    x3 = torch.randn(3, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(traced(x3)[0], model(x3)[0])
