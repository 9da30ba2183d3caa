#!/usr/bin/env bash
# Runs the pipeline benchmarks in release mode. The replay workload (the default) runs against a throw-away local
# broker (tansu, memory storage) on a free port, stopped on exit; the video workload needs no broker.
#
# Usage: bash Benchmarks/run-pipeline-benchmark.sh [pipeline-benchmark options...]
#   e.g. bash Benchmarks/run-pipeline-benchmark.sh --events 100000 --runs 3
#        bash Benchmarks/run-pipeline-benchmark.sh --workload video --commands 10000 --task-seconds 60
# Options are those of `pipeline-benchmark --help`; --brokers comes from this script. Run from the repository root
# (the events come from schemas/examples; the seeded ledger is kept under .build/pipeline-benchmark/).
# With ASSETFORGE_KAFKA_BROKERS set, that broker is used and none is started.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BROKER=(bash "$ROOT/deploy/local/broker.sh")
PACKAGE="$ROOT/Benchmarks/Pipeline"

log() { printf '[benchmark] %s\n' "$*" >&2; }

log "building pipeline-benchmark (release)"
swift build -c release --package-path "$PACKAGE" --product pipeline-benchmark
BIN="$(swift build -c release --package-path "$PACKAGE" --show-bin-path)/pipeline-benchmark"

cd "$ROOT"
if [[ " $* " != *" --workload video "* ]] && [ -z "${ASSETFORGE_KAFKA_BROKERS:-}" ]; then
    port=$(python3 "$ROOT/deploy/local/kafka_probe.py" free-port)
    started=""
    stop_broker() {
        if [ -n "$started" ]; then "${BROKER[@]}" stop --port "$port" --remove-log || true; fi
    }
    trap stop_broker EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    "${BROKER[@]}" start --port "$port"
    started=yes
    "${BROKER[@]}" wait --port "$port"
    export ASSETFORGE_KAFKA_BROKERS="127.0.0.1:$port"
fi

[ -n "${ASSETFORGE_KAFKA_BROKERS:-}" ] && log "broker $ASSETFORGE_KAFKA_BROKERS"
"$BIN" "$@"
