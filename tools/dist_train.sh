#!/usr/bin/env bash
# Train on NGPUS processes of this machine with torchrun (one per GPU; on a machine without
# CUDA, NGPUS CPU processes over gloo).
#   tools/dist_train.sh CONFIG NGPUS [tools/train.py arguments...]
# Several machines: run it on each with the same NNODES, MASTER_ADDR and MASTER_PORT, and
# NODE_RANK 0 .. NNODES-1 (MASTER_ADDR: the address of the NODE_RANK 0 machine). On one
# machine without MASTER_PORT, torchrun meets its processes on a free port (--standalone).
# PYTHON selects the interpreter (default: python).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG NGPUS [tools/train.py arguments...]" >&2
    exit 2
fi
CONFIG=$1
NGPUS=$2
shift 2
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
    "$ROOT/tools/train.py" "$CONFIG" --launcher pytorch "$@"
