#!/usr/bin/env bash
# Train on NGPUS processes of this machine with torchrun (one per GPU; on a machine without
# CUDA, NGPUS CPU processes over gloo).
#   tools/dist_train.sh CONFIG NGPUS [tools/train.py arguments...]
# Several machines: run it on each with the same NNODES, MASTER_ADDR and MASTER_PORT, and
# NODE_RANK 0 .. NNODES-1 (MASTER_ADDR: the address of the NODE_RANK 0 machine).
# PYTHON selects the interpreter (default: python).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG NGPUS [tools/train.py arguments...]" >&2
    exit 2
fi
CONFIG=$1
NGPUS=$2
shift 2
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
    "$ROOT/tools/train.py" "$CONFIG" --launcher pytorch "$@"
