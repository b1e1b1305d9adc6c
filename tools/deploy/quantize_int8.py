"""Post-training int8 quantization of a pose model for onnxruntime, with its accuracy cost.

    python tools/deploy/quantize_int8.py CONFIG CKPT --out FILE [--calibration N]
        [--threads T] [--trust-checkpoint]

The model's deploy graph (split-and-shuffle form, what onnxruntime runs fastest) is exported
and quantized statically by onnxruntime (QDQ format, int8 weights per output channel, int8
activations), its activation ranges calibrated on the crops of the config's validation set
(the people of the validation images, cropped as at test time; the first N). Then both graphs
predict the whole validation set through the config's test-time pipeline and flip test, and the
tool prints what int8 costs: the displacement of every keypoint against the float32 graph, in
image pixels (mean, 95th percentile and max, over keypoints the float32 graph scores above 0.3),
the validation metric (COCO AP) of each graph, and the time of one batch-1 call of each.

Int8 is never the default anywhere: its speed gain and accuracy cost depend on the CPU (int8
dot products: AVX-512 VNNI or AVX-VNNI) and on the model; measure both with this tool first.
"""
import argparse
import copy
import os
import os.path as osp
import tempfile
import time
from typing import Callable, Dict, List, Tuple

import numpy as np
import torch
from mmengine.evaluator import Evaluator
from mmengine.runner import Runner

from engine import (GRAPH_FORMS, TensorForward, model_input_shape, refuse_overwriting_inputs,
                    runtime_session)
from litehrnet.deploy import export_onnx
from pose.apis import init_model

SCORE_THRESHOLD = 0.3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='a pose config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='the int8 .onnx file to write')
    parser.add_argument('--calibration', type=int, default=512,
                        help='validation crops used to calibrate the activation ranges')
    parser.add_argument('--threads', type=int, default=0, help='onnxruntime threads')
    parser.add_argument('--trust-checkpoint', action='store_true')
    return parser.parse_args()


class _Crops:
    """onnxruntime's calibration reader: one preprocessed crop (1, 3, H, W) at a time."""

    def __init__(self, crops: List[np.ndarray]) -> None:
        self._crops = iter(crops)

    def get_next(self):
        crop = next(self._crops, None)
        return None if crop is None else {'input': crop[None]}


def preprocessed_batches(model, loader) -> List[Tuple[torch.Tensor, list]]:
    """(inputs (N, 3, H, W), data samples) of every validation batch, preprocessed once."""
    batches = []
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        batches.append((data['inputs'], data['data_samples']))
    return batches


def quantize(fp32_path: str, out: str, crops: List[np.ndarray]) -> None:
    from onnxruntime.quantization import (CalibrationMethod, QuantFormat, QuantType,
                                          quantize_static)
    quantize_static(fp32_path, out, _Crops(crops), quant_format=QuantFormat.QDQ,
                    per_channel=True, weight_type=QuantType.QInt8,
                    activation_type=QuantType.QInt8,
                    calibrate_method=CalibrationMethod.MinMax)


def predict(model, batches, heatmaps: Callable[[torch.Tensor], torch.Tensor]) -> list:
    """The model's predictions of every batch with ``heatmaps`` computing its heatmaps (on
    copies of the data samples, which prediction fills in)."""
    model.runtime = heatmaps
    with torch.no_grad():
        return [model.predict(inputs, copy.deepcopy(samples)) for inputs, samples in batches]


def evaluate(cfg, dataset_meta: dict, batches, predictions) -> Dict[str, float]:
    evaluator = Evaluator(cfg.val_evaluator)
    evaluator.dataset_meta = dataset_meta
    for outputs in predictions:
        evaluator.process(outputs)
    return evaluator.evaluate(sum(len(samples) for _, samples in batches))


def displacement(reference: list, other: list) -> np.ndarray:
    """Pixel distance of every confidently predicted keypoint between two prediction sets."""
    distances = []
    for batch_ref, batch_other in zip(reference, other):
        for a, b in zip(batch_ref, batch_other):
            confident = a.pred_instances.keypoint_scores[0] > SCORE_THRESHOLD
            delta = a.pred_instances.keypoints[0] - b.pred_instances.keypoints[0]
            distances.append(np.linalg.norm(delta[confident], axis=-1))
    return np.concatenate(distances) if distances else np.zeros(0)


def batch1_ms(run: Callable[[np.ndarray], np.ndarray], crop: np.ndarray, runs: int = 30) -> float:
    x = crop[None]
    run(x)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(x)
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main() -> None:
    args = parse_args()
    refuse_overwriting_inputs(args.out, [args.config, args.checkpoint])
    model = init_model(args.config, args.checkpoint, trust_checkpoint=args.trust_checkpoint)
    cfg = model.cfg
    loader = Runner.build_dataloader(cfg.val_dataloader)
    batches = preprocessed_batches(model, loader)
    crops = [x.numpy() for inputs, _ in batches for x in inputs][:args.calibration]
    workdir = tempfile.mkdtemp(prefix='litehrnet_int8_')
    fp32_path = osp.join(workdir, 'fp32.onnx')
    export_onnx(TensorForward(model), model_input_shape(model), fp32_path,
                form=GRAPH_FORMS['onnxruntime'])
    quantize(fp32_path, args.out, crops)

    sessions = {name: runtime_session(path, 'onnxruntime', threads=args.threads)
                for name, path in (('float32', fp32_path), ('int8', args.out))}
    predictions = {name: predict(model, batches,
                                 lambda x, run=run: torch.from_numpy(run(x.numpy())))
                   for name, run in sessions.items()}
    distances = displacement(predictions['float32'], predictions['int8'])
    print(f'wrote {args.out} ({os.path.getsize(args.out) / 2**20:.2f} MiB; float32 '
          f'{os.path.getsize(fp32_path) / 2**20:.2f} MiB), calibrated on {len(crops)} crops')
    if distances.size:
        print(f'int8 vs float32 keypoint displacement over {distances.size} keypoints scored > '
              f'{SCORE_THRESHOLD}: mean {distances.mean():.2f} px, 95th percentile '
              f'{np.percentile(distances, 95):.2f} px, max {distances.max():.2f} px')
    for name, preds in predictions.items():
        metrics = evaluate(cfg, model.dataset_meta, batches, preds)
        main_metrics = {k: round(v, 4) for k, v in metrics.items() if k.endswith('AP')}
        print(f'{name}: {main_metrics or metrics}; batch-1 call '
              f'{batch1_ms(sessions[name], crops[0]):.2f} ms in onnxruntime')


if __name__ == '__main__':
    main()
