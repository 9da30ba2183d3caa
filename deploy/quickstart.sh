#!/usr/bin/env bash
# Quick start: sets the machine up, starts a local Kafka-compatible broker (tansu), creates the
# AssetForge topics, builds the `assetforge` binary and runs `assetforge demo`: AssetForge on its
# embedded defaults (SQLite ledger ./assetforge.db, file store ./assets served over HTTP on
# ASSETFORGE_HTTP_PORT, default 8080) against the provider simulator, with the sample events of
# schemas/examples/. It prints a report of the generated assets with their URLs and what the real
# providers would have charged, then serves the assets until Ctrl-C. Everything it started (the
# simulator, AssetForge, the broker) is stopped on exit.
#
# With vendor credentials in the environment (DASHSCOPE_API_KEY, KLING_ACCESS_KEY and
# KLING_SECRET_KEY, MINIMAX_API_KEY, VOLCENGINE_ACCESS_KEY and VOLCENGINE_SECRET_KEY), those vendors
# are called for real, which costs money; the demo says so.
#
# Usage: bash deploy/quickstart.sh [DEMO OPTIONS...]   e.g. --exit-after-report (see `assetforge demo --help`)
# Environment:
#   ASSETFORGE_KAFKA_BROKERS  host:port; only the port is used (default 9092). The broker always
#                             runs on 127.0.0.1. If the port is taken: when it came from this
#                             variable, the script stops with an error; when it is the default
#                             9092, the script runs its broker on a free port instead and says so.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BROKER=(bash "$ROOT/deploy/local/broker.sh")
PROBE=(python3 "$ROOT/deploy/local/kafka_probe.py")
DEFAULT_PORT=9092
TOPICS=(product.listed:6 sku.promoted:6 asset.ready:6 asset.failed:6 assetforge.dlq:1)

log() { printf '[quickstart] %s\n' "$*"; }
die() { printf '[quickstart] error: %s\n' "$*" >&2; exit 1; }

port=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [ -z "$port" ] || "${BROKER[@]}" stop --port "$port" || true
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

bash "$ROOT/deploy/setup.sh"

# Which port: the first entry of ASSETFORGE_KAFKA_BROKERS, or 9092.
wanted=$DEFAULT_PORT
from_env=""
if [ -n "${ASSETFORGE_KAFKA_BROKERS:-}" ]; then
    first=${ASSETFORGE_KAFKA_BROKERS%%,*}
    first=${first#*://}
    wanted=${first##*:}
    host=${first%:*}
    [[ "$first" == *:* && "$wanted" =~ ^[0-9]+$ ]] \
        || die "ASSETFORGE_KAFKA_BROKERS='$ASSETFORGE_KAFKA_BROKERS' has no port; expected host:port, e.g. 127.0.0.1:9092"
    case "$host" in
        127.0.0.1 | localhost | "") ;;
        *) log "note: the quick start always runs its own broker on 127.0.0.1; it uses only the port of $first" ;;
    esac
    from_env=1
fi

if "${PROBE[@]}" port-in-use --port "$wanted"; then
    holder=""
    if command -v ss >/dev/null 2>&1; then
        holder=$(ss -Htlnp "sport = :$wanted" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1)
    fi
    if [ -n "$from_env" ]; then
        die "port $wanted (from ASSETFORGE_KAFKA_BROKERS) is already in use${holder:+ by $holder}.
  The quick start runs its own throw-away broker and does not reuse one it did not start.
  Stop that process, or choose a free port: ASSETFORGE_KAFKA_BROKERS=127.0.0.1:PORT bash deploy/quickstart.sh"
    fi
    free=$("${BROKER[@]}" free-port)
    log "port $wanted is already in use${holder:+ by $holder}; leaving it alone and running the quick-start broker on free port $free instead"
    wanted=$free
fi

"${BROKER[@]}" start --port "$wanted"
port=$wanted
"${BROKER[@]}" wait --port "$port" --timeout 30
"${BROKER[@]}" create-topics --port "$port" "${TOPICS[@]}"

log "swift build --product assetforge"
swift build --product assetforge
binary="$(swift build --show-bin-path)/assetforge"

log "$binary demo --brokers 127.0.0.1:$port $*"
if "$binary" demo --brokers "127.0.0.1:$port" "$@"; then
    log "done"
else
    rc=$?
    "${BROKER[@]}" log --port "$port" --lines 40 || true
    log "assetforge demo FAILED (exit status $rc)"
    exit "$rc"
fi
