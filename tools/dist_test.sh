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
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${NNODES:-1}" = 1 ] && [ -z "${MASTER_PORT:-}" ]; then
    # One machine: torchrun's own rendezvous, on a port the system picks when it binds it (so
    # two jobs on one machine never meet on the same port).
    RENDEZVOUS=(--standalone)
else
    RENDEZVOUS=(--nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}"
                --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${MASTER_PORT:-29500}")
fi

# `python -m torch.distributed.run` is torchrun, run by the chosen interpreter.
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
exec "${PYTHON:-python}" -m torch.distributed.run \
    "${RENDEZVOUS[@]}" --nproc_per_node="$NGPUS" \
    "$ROOT/tools/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
