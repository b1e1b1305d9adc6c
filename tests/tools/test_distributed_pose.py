"""A 2-process pose run (tools/dist_train.sh, gloo on the CPU) trains and validates."""
import json

import pytest

pytestmark = pytest.mark.distributed


def test_two_process_pose_run_trains_and_validates(tools, tmp_path):
    work_dir = tmp_path / 'pose'
    # MPII sample: 5 people, so each rank trains 2 batches of at most 2 and the validation
    # splits an odd number of samples.
    result = tools.dist_train(
        tools.POSE_MPII, 2, '--work-dir', str(work_dir), '--cfg-options',
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'train_dataloader.batch_size=2',
        'default_hooks.logger.interval=1')
    assert result.returncode == 0, tools.tail(result)
    assert "'nccl' replaced by 'gloo'" in result.stdout  # the backend
    scalars = [json.loads(line) for line in
               next(work_dir.glob('*/vis_data/scalars.json')).read_text().splitlines()]
    assert [s['iter'] for s in scalars if 'loss' in s] == [1, 2]
    validation = [s for s in scalars if 'PCKh' in s]
    assert len(validation) == 1 and 0.0 <= validation[0]['PCKh'] <= 1.0
    assert (work_dir / 'epoch_1.pth').is_file()
