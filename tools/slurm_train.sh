#!/usr/bin/env bash
# Train with Slurm: srun starts one task per GPU, and mmengine reads the rank, the world size
# and the master address from Slurm's variables (--launcher slurm).
#   [GPUS=8] [GPUS_PER_NODE=8] tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args...]
# GPUS: tasks in all (default 8); GPUS_PER_NODE: tasks per node (default: up to 8);
# CPUS_PER_TASK (default 5); MASTER_PORT (default 29500); SRUN_ARGS: extra srun arguments;
# GRES: the resource request (default --gres=gpu:GPUS_PER_NODE; GRES= for CPU-only nodes,
# where the tasks train over gloo). PYTHON selects the interpreter (default: python).
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 PARTITION JOB_NAME CONFIG [tools/train.py arguments...]" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
shift 3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-$((GPUS < 8 ? GPUS : 8))}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
GRES=${GRES-"--gres=gpu:$GPUS_PER_NODE"}
export MASTER_PORT=${MASTER_PORT:-29500}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# SRUN_ARGS and GRES are lists of options: split on purpose.
# shellcheck disable=SC2086
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
exec srun -p "$PARTITION" --job-name="$JOB_NAME" $GRES \
    --ntasks="$GPUS" --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 ${SRUN_ARGS:-} \
    "${PYTHON:-python}" -u "$ROOT/tools/train.py" "$CONFIG" --launcher slurm "$@"
