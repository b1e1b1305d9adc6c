"""Post-training int8 quantization of a pose model for OpenVINO (NNCF), with its accuracy and
speed cost.

    python tools/deploy/quantize_int8.py CONFIG CKPT --out FILE.xml [--calibration N]
        [--threads T] [--trust-checkpoint]

The model's deploy graph, in the form OpenVINO runs fastest (``engine.GRAPH_FORMS``), is
exported and quantized by NNCF (``engine.quantization``: the dense convolutions in int8,
everything else float32, as measured fastest), its activation ranges calibrated on the crops
of the config's validation set (the people of the validation images, cropped as at test time;
the first N). The int8 model is written as OpenVINO IR (FILE.xml and FILE.bin). Then the float32
and the int8 graph predict the whole validation set through the config's test-time pipeline and
flip test, and the tool prints what int8 costs: the displacement of every keypoint against the
float32 graph, in image pixels (mean, 95th percentile and max, over keypoints the float32 graph
scores above 0.3), the validation metric (COCO AP) of each graph, and the time of one batch-1
call of each in OpenVINO. A multi-task model (with a mask head) is quantized with both of its
outputs (its mask read-out, like the heatmaps', stays float32), and the tool also prints the
intersection over union of every person's int8 silhouette with the float32 one.

Int8 is never the default anywhere: its speed gain and accuracy cost depend on the CPU (int8
dot products: AVX-512 VNNI, AMX) and on the model; on the CPU measured for docs/benchmarks.md it
is slower than float32. Measure both with this tool first.
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

from engine import (model_input_shape, quantize_for_openvino, refuse_overwriting_inputs,
                    runtime_session)
from engine.runtimes import outputs_to_torch
from pose.apis import init_model

SCORE_THRESHOLD = 0.3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='a pose config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True,
                        help='the int8 OpenVINO IR to write (.xml; its weights go to .bin)')
    parser.add_argument('--calibration', type=int, default=512,
                        help='validation crops used to calibrate the activation ranges')
    parser.add_argument('--threads', type=int, default=0, help='OpenVINO threads (0: its default)')
    parser.add_argument('--split', choices=('val', 'test'), default='val',
                        help="the config's dataset to calibrate and evaluate on (test: e.g. "
                        'the detector boxes of the published protocol)')
    parser.add_argument('--trust-checkpoint', action='store_true')
    args = parser.parse_args()
    if not args.out.endswith('.xml'):
        parser.error(f'--out {args.out}: OpenVINO IR is written as an .xml file (and a .bin)')
    return args


def preprocessed_batches(model, loader) -> List[Tuple[torch.Tensor, list]]:
    """(inputs (N, 3, H, W), data samples) of every validation batch, preprocessed once."""
    batches = []
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        batches.append((data['inputs'], data['data_samples']))
    return batches


def predict(model, batches, session: Callable[[np.ndarray], object]) -> list:
    """The model's predictions of every batch with ``session`` computing its network outputs
    (heatmaps, and a mask model's mask logits), on copies of the data samples, which
    prediction fills in."""
    model.runtime = lambda x: outputs_to_torch(session(x.numpy()), x.device)
    with torch.no_grad():
        return [model.predict(inputs, copy.deepcopy(samples)) for inputs, samples in batches]


def evaluate(evaluator_cfg, dataset_meta: dict, batches, predictions) -> Dict[str, float]:
    evaluator = Evaluator(evaluator_cfg)
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


def mask_ious(reference: list, other: list) -> np.ndarray:
    """Intersection over union of every person's silhouette between two prediction sets (1
    where both are empty)."""
    ious = []
    for batch_ref, batch_other in zip(reference, other):
        for a, b in zip(batch_ref, batch_other):
            mask_a, mask_b = a.pred_instances.masks, b.pred_instances.masks
            union = np.logical_or(mask_a, mask_b).sum()
            ious.append(np.logical_and(mask_a, mask_b).sum() / union if union else 1.0)
    return np.asarray(ious, dtype=np.float64)


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
    for out in (args.out, args.out[:-len('.xml')] + '.bin'):
        refuse_overwriting_inputs(out, [args.config, args.checkpoint])
    model = init_model(args.config, args.checkpoint, trust_checkpoint=args.trust_checkpoint)
    cfg = model.cfg
    loader = Runner.build_dataloader(cfg[f'{args.split}_dataloader'])
    batches = preprocessed_batches(model, loader)
    crops = [x[None].numpy() for inputs, _ in batches for x in inputs][:args.calibration]
    fp32_path = osp.join(tempfile.mkdtemp(prefix='litehrnet_int8_'), 'fp32.onnx')
    used = quantize_for_openvino(model, model_input_shape(model), crops, fp32_path, args.out)

    sessions = {name: runtime_session(path, 'openvino', threads=args.threads)
                for name, path in (('float32', fp32_path), ('int8', args.out))}
    predictions = {name: predict(model, batches, run) for name, run in sessions.items()}
    distances = displacement(predictions['float32'], predictions['int8'])
    print(f'wrote {args.out} and its .bin ({os.path.getsize(args.out[:-4] + ".bin") / 2**20:.2f} '
          f'MiB of weights), calibrated on {used} crops')
    if distances.size:
        print(f'int8 vs float32 keypoint displacement over {distances.size} keypoints scored > '
              f'{SCORE_THRESHOLD}: mean {distances.mean():.2f} px, 95th percentile '
              f'{np.percentile(distances, 95):.2f} px, max {distances.max():.2f} px')
    if model.with_mask:
        ious = mask_ious(predictions['float32'], predictions['int8'])
        print(f'int8 vs float32 silhouettes of {ious.size} people: IoU mean {ious.mean():.4f}, '
              f'min {ious.min():.4f}')
    for name, preds in predictions.items():
        metrics = evaluate(cfg[f'{args.split}_evaluator'], model.dataset_meta, batches, preds)
        main_metrics = {k: round(v, 4) for k, v in metrics.items() if k.endswith('AP')}
        print(f'{name}: {main_metrics or metrics}; batch-1 call '
              f'{batch1_ms(sessions[name], crops[0][0]):.2f} ms in OpenVINO')


if __name__ == '__main__':
    main()
