#!/usr/bin/env bash
# Runs the pipeline benchmarks in release mode. The replay and instances workloads run against a throw-away local
# broker (tansu, memory storage) on a free port; the ledger and instances workloads against a throw-away PostgreSQL
# server (deploy/local/postgres.sh) on a free port with its data under /tmp. Both are stopped (the server's data
# removed) on exit. The service-video workload runs against such a broker too, with the assetforge executable built
# here in release mode beside pipeline-benchmark. The video workload needs neither.
#
# Usage: bash Benchmarks/run-pipeline-benchmark.sh [pipeline-benchmark options...]
#   e.g. bash Benchmarks/run-pipeline-benchmark.sh --events 100000 --runs 3
#        bash Benchmarks/run-pipeline-benchmark.sh --workload ledger,instances --events 5000 --runs 3
#        bash Benchmarks/run-pipeline-benchmark.sh --workload video --commands 10000 --task-seconds 60
#        bash Benchmarks/run-pipeline-benchmark.sh --workload service-video --commands 10000 --task-seconds 60
# Options are those of `pipeline-benchmark --help`; --brokers and --ledger-url come from this script. Run from the
# repository root (the events come from schemas/examples; the seeded SQLite ledger is kept under
# .build/pipeline-benchmark/).
# With ASSETFORGE_KAFKA_BROKERS set, that broker is used and none is started. With --ledger-url given, or
# ASSETFORGE_TEST_POSTGRES_URL set, that database is seeded (it must be empty, or seeded earlier with the same
# --events) and no server is started.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BROKER=(bash "$ROOT/deploy/local/broker.sh")
POSTGRES=(bash "$ROOT/deploy/local/postgres.sh")
PACKAGE="$ROOT/Benchmarks/Pipeline"

log() { printf '[benchmark] %s\n' "$*" >&2; }

# Which workloads run, and whether a ledger URL was given.
workloads=replay
ledger_url_given=""
previous=""
for argument in "$@"; do
    case "$previous" in
        --workload) workloads=$argument ;;
        --ledger-url) ledger_url_given=yes ;;
    esac
    previous=$argument
done
runs() { [[ ",$workloads," == *",$1,"* ]]; }

log "building pipeline-benchmark (release)"
swift build -c release --package-path "$PACKAGE" --product pipeline-benchmark
BIN="$(swift build -c release --package-path "$PACKAGE" --show-bin-path)/pipeline-benchmark"
if runs service-video; then
    log "building assetforge (release)"
    swift build -c release --package-path "$PACKAGE" --product assetforge
fi

broker_port=""
postgres_dir=""
cleanup() {
    if [ -n "$broker_port" ]; then "${BROKER[@]}" stop --port "$broker_port" --remove-log || true; fi
    if [ -n "$postgres_dir" ]; then "${POSTGRES[@]}" stop --dir "$postgres_dir" --remove || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$ROOT"
if { runs replay || runs instances || runs service-video; } && [ -z "${ASSETFORGE_KAFKA_BROKERS:-}" ]; then
    port=$(python3 "$ROOT/deploy/local/kafka_probe.py" free-port)
    "${BROKER[@]}" start --port "$port"
    broker_port=$port
    "${BROKER[@]}" wait --port "$port"
    export ASSETFORGE_KAFKA_BROKERS="127.0.0.1:$port"
fi
[ -n "${ASSETFORGE_KAFKA_BROKERS:-}" ] && log "broker $ASSETFORGE_KAFKA_BROKERS"

ledger_url=()
if { runs ledger || runs instances; } && [ -z "$ledger_url_given" ]; then
    if [ -n "${ASSETFORGE_TEST_POSTGRES_URL:-}" ]; then
        url=$ASSETFORGE_TEST_POSTGRES_URL
    else
        # Under /tmp: the server runs as the postgres user when this script runs as root, and must reach it.
        postgres_dir=$(mktemp -d /tmp/assetforge-bench-pg.XXXXXX)
        "${POSTGRES[@]}" start --port "$("${POSTGRES[@]}" free-port)" --dir "$postgres_dir"
        url=$("${POSTGRES[@]}" url --dir "$postgres_dir")
    fi
    log "ledger $url"
    ledger_url=(--ledger-url "$url")
fi

"$BIN" "$@" "${ledger_url[@]}"
