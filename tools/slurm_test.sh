#!/usr/bin/env bash
# Evaluate CHECKPOINT with Slurm: srun starts one task per GPU, and mmengine reads the rank,
# the world size and the master address from Slurm's variables (--launcher slurm).
#   [GPUS=8] [GPUS_PER_NODE=8] tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT \
#       [tools/test.py arguments...]
# Variables as for tools/slurm_train.sh (GPUS, GPUS_PER_NODE, CPUS_PER_TASK, MASTER_PORT,
# SRUN_ARGS, GRES, PYTHON).
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 PARTITION JOB_NAME CONFIG CHECKPOINT [tools/test.py arguments...]" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
shift 4
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
    "${PYTHON:-python}" -u "$ROOT/tools/test.py" "$CONFIG" "$CHECKPOINT" --launcher slurm "$@"
