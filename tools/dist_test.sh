#!/usr/bin/env bash
# Evaluate CHECKPOINT on NGPUS processes of this machine with torchrun (one per GPU; on a
# machine without CUDA, NGPUS CPU processes over gloo).
#   tools/dist_test.sh CONFIG CHECKPOINT NGPUS [tools/test.py arguments...]
# Several machines: as tools/dist_train.sh (NNODES, NODE_RANK, MASTER_ADDR, MASTER_PORT).
# PYTHON selects the interpreter (default: python).
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT NGPUS [tools/test.py arguments...]" >&2
    exit 2
fi
CONFIG=$1
CHECKPOINT=$2
NGPUS=$3
shift 3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
MASTER_PORT=${MASTER_PORT:-29500}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# `python -m torch.distributed.run` is torchrun, run by the chosen interpreter.
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --nproc_per_node="$NGPUS" \
    --master_addr="$MASTER_ADDR" --master_port="$MASTER_PORT" \
    "$ROOT/tools/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
