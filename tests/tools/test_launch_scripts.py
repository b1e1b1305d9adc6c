"""The launch scripts hand torchrun and srun the right arguments (stand-ins for the launchers
print the command line they are given; the real torchrun runs in test_distributed_*.py)."""
import os
import stat
import subprocess

import pytest

ECHO = '#!/bin/sh\necho "$0 $*"\n'


@pytest.fixture
def stand_ins(tmp_path):
    """An ``srun`` on PATH and a PYTHON that print their arguments instead of running."""
    for name in ('srun', 'python-echo'):
        path = tmp_path / name
        path.write_text(ECHO)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return dict(PATH=f'{tmp_path}{os.pathsep}{os.environ["PATH"]}',
                PYTHON=str(tmp_path / 'python-echo'))


def _run(tools, script, *args, **env):
    return subprocess.run(['bash', f'tools/{script}', *args], cwd=tools.root, text=True,
                          capture_output=True, env=dict(os.environ, **env))


def test_dist_train_passes_the_multi_node_variables_to_torchrun(tools, stand_ins):
    result = _run(tools, 'dist_train.sh', 'cfg.py', '4', '--work-dir', 'w', NNODES='2',
                  NODE_RANK='1', MASTER_ADDR='10.1.2.3', MASTER_PORT='29999', **stand_ins)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:] == [
        '-m', 'torch.distributed.run', '--nnodes=2', '--node_rank=1', '--master_addr=10.1.2.3',
        '--master_port=29999', '--nproc_per_node=4', f'{tools.root}/tools/train.py',
        'cfg.py', '--launcher', 'pytorch', '--work-dir', 'w']


def test_one_machine_meets_on_a_port_torchrun_picks(tools, stand_ins):
    env = {k: v for k, v in os.environ.items()
           if k not in ('NNODES', 'NODE_RANK', 'MASTER_ADDR', 'MASTER_PORT')}
    result = subprocess.run(['bash', 'tools/dist_test.sh', 'cfg.py', 'ckpt.pth', '2'],
                            cwd=tools.root, text=True, capture_output=True,
                            env=dict(env, **stand_ins))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:] == [
        '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2',
        f'{tools.root}/tools/test.py', 'cfg.py', 'ckpt.pth', '--launcher', 'pytorch']


@pytest.mark.parametrize('script,args,tool', [
    ('slurm_train.sh', ['part', 'job', 'cfg.py', '--seed', '1'], ['train.py', 'cfg.py']),
    ('slurm_test.sh', ['part', 'job', 'cfg.py', 'ckpt.pth', '--seed', '1'],
     ['test.py', 'cfg.py', 'ckpt.pth']),
])
def test_slurm_scripts_start_one_task_per_gpu(tools, stand_ins, script, args, tool):
    result = _run(tools, script, *args, GPUS='16', GPUS_PER_NODE='8', **stand_ins)
    assert result.returncode == 0, result.stderr
    words = result.stdout.split()
    assert words[0].endswith('/srun')
    assert words[1:9] == ['-p', 'part', '--job-name=job', '--gres=gpu:8', '--ntasks=16',
                          '--ntasks-per-node=8', '--cpus-per-task=5', '--kill-on-bad-exit=1']
    assert words[9:] == [stand_ins['PYTHON'], '-u', f'{tools.root}/tools/{tool[0]}', *tool[1:],
                         '--launcher', 'slurm', '--seed', '1']


def test_slurm_without_gpus_requests_none(tools, stand_ins):
    result = _run(tools, 'slurm_train.sh', 'cpu', 'job', 'cfg.py', GPUS='2', GRES='',
                  **stand_ins)
    assert result.returncode == 0, result.stderr
    assert '--gres' not in result.stdout and '--ntasks=2 --ntasks-per-node=2' in result.stdout


@pytest.mark.parametrize('script', ['dist_train.sh', 'dist_test.sh', 'slurm_train.sh',
                                    'slurm_test.sh'])
def test_missing_arguments_print_the_usage(tools, script):
    result = _run(tools, script, 'cfg.py')
    assert result.returncode == 2
    assert result.stderr.startswith('usage: ')
