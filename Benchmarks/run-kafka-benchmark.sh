#!/usr/bin/env bash
# Runs the Kafka throughput benchmark (Swift binding vs librdkafka's own C loops) in release mode against a
# throw-away local broker (tansu, memory storage) on a free port, and stops the broker on exit.
#
# Usage: bash Benchmarks/run-kafka-benchmark.sh [kafka-benchmark options...]
#   e.g. bash Benchmarks/run-kafka-benchmark.sh --messages 200000 --runs 5
# Options are those of `kafka-benchmark --help`; --brokers comes from this script.
# With ASSETFORGE_KAFKA_BROKERS set, that broker is used and none is started.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BROKER=(bash "$ROOT/deploy/local/broker.sh")

log() { printf '[benchmark] %s\n' "$*" >&2; }

# Build first, so the broker does not sit idle through a build that takes minutes the first time.
log "building kafka-benchmark (release)"
swift build -c release --package-path "$ROOT/Benchmarks" --product kafka-benchmark
BIN="$(swift build -c release --package-path "$ROOT/Benchmarks" --show-bin-path)/kafka-benchmark"

if [ -z "${ASSETFORGE_KAFKA_BROKERS:-}" ]; then
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

log "broker $ASSETFORGE_KAFKA_BROKERS"
"$BIN" "$@"
