#!/usr/bin/env bash
# The one test command. Sets the machine up (deploy/setup.sh), starts a throw-away local
# Kafka-compatible broker and a throw-away PostgreSQL server on free loopback ports, builds and
# runs the Swift tests, then the Python tests under Tests/python (if any), and always stops the
# broker and the PostgreSQL server (whose data directory, under /tmp, is removed).
#
# Usage: bash deploy/test.sh [ARGS...]     ARGS go to `swift test` (e.g. --filter KafkaTests)
#
# The tests see:
#   ASSETFORGE_TEST_KAFKA_BROKERS  127.0.0.1:PORT of the broker
#   ASSETFORGE_TEST_TANSU          path of the tansu binary (e.g. `tansu topic create ...`)
#   ASSETFORGE_TEST_POSTGRES_URL   postgres://postgres@127.0.0.1:PORT/postgres, a superuser of the server
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BROKER=(bash "$ROOT/deploy/local/broker.sh")
POSTGRES=(bash "$ROOT/deploy/local/postgres.sh")

log() { printf '[test] %s\n' "$*"; }
started=$SECONDS
port=""
pg_dir=""
failed=()

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$port" ]; then
        if [ "$rc" -ne 0 ]; then
            "${BROKER[@]}" log --port "$port" --lines 40 || true
            "${BROKER[@]}" stop --port "$port" || true
        else
            "${BROKER[@]}" stop --port "$port" --remove-log || true
        fi
    fi
    if [ -n "$pg_dir" ]; then
        if [ "$rc" -ne 0 ] && [ -f "$pg_dir/server.log" ]; then
            "${POSTGRES[@]}" log --dir "$pg_dir" --lines 60 || true
        fi
        "${POSTGRES[@]}" stop --dir "$pg_dir" --remove || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

bash "$ROOT/deploy/setup.sh"

# A free port can be taken by someone else between picking and binding: retry a few times.
for attempt in 1 2 3; do
    candidate=$("${BROKER[@]}" free-port)
    if "${BROKER[@]}" start --port "$candidate"; then
        port=$candidate
        break
    fi
    log "could not start the broker on port $candidate (attempt $attempt of 3)"
done
[ -n "$port" ] || { log "error: no broker could be started"; exit 1; }
"${BROKER[@]}" wait --port "$port" --timeout 30

ASSETFORGE_TEST_KAFKA_BROKERS="127.0.0.1:$port"
ASSETFORGE_TEST_TANSU=$("${BROKER[@]}" install)
export ASSETFORGE_TEST_KAFKA_BROKERS ASSETFORGE_TEST_TANSU
log "ASSETFORGE_TEST_KAFKA_BROKERS=$ASSETFORGE_TEST_KAFKA_BROKERS"
log "ASSETFORGE_TEST_TANSU=$ASSETFORGE_TEST_TANSU"

# PostgreSQL for the ledger tests, run as the postgres user: its data directory lives under /tmp,
# which that user can always reach (a checkout under /root could not be).
pg_dir=$(mktemp -d /tmp/assetforge-test-pg.XXXXXX)
pg_port=""
for attempt in 1 2 3; do
    candidate=$("${POSTGRES[@]}" free-port)
    if "${POSTGRES[@]}" start --port "$candidate" --dir "$pg_dir"; then
        pg_port=$candidate
        break
    fi
    log "could not start PostgreSQL on port $candidate (attempt $attempt of 3)"
done
[ -n "$pg_port" ] || { log "error: no PostgreSQL server could be started"; exit 1; }
ASSETFORGE_TEST_POSTGRES_URL=$("${POSTGRES[@]}" url --dir "$pg_dir")
export ASSETFORGE_TEST_POSTGRES_URL
log "ASSETFORGE_TEST_POSTGRES_URL=$ASSETFORGE_TEST_POSTGRES_URL"

log "swift build --build-tests"
if swift build --build-tests; then
    if [ "$#" -gt 0 ]; then
        log "swift test $*"
        swift test "$@" || failed+=("swift test")
    else
        # The scale-out kill test runs three assetforge processes for about six minutes: on its own, after the
        # rest, so that it neither starves the other suites' timing nor is starved by them.
        log "swift test --skip ScaleOutKillTests"
        swift test --skip ScaleOutKillTests || failed+=("swift test")
        log "swift test --filter ScaleOutKillTests"
        swift test --filter ScaleOutKillTests || failed+=("swift test (scale-out kill test)")
    fi
else
    failed+=("swift build --build-tests")
fi

if compgen -G "Tests/python/test_*.py" >/dev/null; then
    log "pytest Tests/python"
    "$ROOT/.venv/bin/python" -m pytest Tests/python || failed+=("pytest Tests/python")
fi

if [ "${#failed[@]}" -gt 0 ]; then
    log "FAILED: $(printf '%s; ' "${failed[@]}")($((SECONDS - started)) s)"
    exit 1
fi
log "all suites passed ($((SECONDS - started)) s)"
