#!/usr/bin/env bash
# A local PostgreSQL server from Debian's packages (postgresql) for development and tests: its own data
# directory, listening on 127.0.0.1 only, on a port of your choice. Nothing here touches the machine's own
# clusters (pg_lsclusters) or needs one to run.
#
# The server runs as the `postgres` user when this script runs as root (PostgreSQL refuses to run as root),
# otherwise as the calling user. Logins from 127.0.0.1: the `postgres` superuser is trusted without a password;
# every other user must give its password (scram-sha-256), so tests can check that a wrong one is refused.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN_DIR=${ASSETFORGE_RUN_DIR:-$ROOT/.run}
HOST=127.0.0.1
DEFAULT_PORT=5432
DEFAULT_DIR=$RUN_DIR/postgres
SUPERUSER=postgres
# The settings this script owns, rewritten at every start (so a new --port takes effect).
SETTINGS_FILE=assetforge.conf
LOG_NAME=server.log

usage() {
    cat <<EOF
Usage: bash deploy/local/postgres.sh COMMAND [OPTIONS]

Runs a throw-away PostgreSQL server on $HOST with its own data directory.

Commands:
  start [--port P] [--dir D]     initialise D if it is new, then start the server on $HOST:P and wait until it
                                 accepts connections (default port $DEFAULT_PORT, dir $DEFAULT_DIR);
                                 does nothing if it already runs on that port
  stop [--dir D] [--remove]      stop the server of D (fast shutdown); with --remove, delete D afterwards;
                                 does nothing if it is not running
  url [--dir D | --port P]       print the superuser's URL, postgres://$SUPERUSER@$HOST:P/postgres
                                 (the port is read from D when --port is not given)
  status [--dir D]               say whether the server of D runs (exit 3: it does not)
  log [--dir D] [--lines N]      print the last N lines of the server's log, D/$LOG_NAME (default 40)
  free-port                      print a free TCP port on $HOST
  bindir                         print the directory of the PostgreSQL server programs in use

Environment:
  ASSETFORGE_PG_BINDIR   the directory of initdb, pg_ctl and postgres (default: the newest
                         /usr/lib/postgresql/VERSION/bin, else the ones on PATH)
  ASSETFORGE_RUN_DIR     parent of the default data directory (default <repo>/.run)

When run as root, D must be reachable by the postgres user: every parent directory searchable by others.
A directory under /tmp always is (e.g. D=\$(mktemp -d /tmp/assetforge-pg.XXXXXX)).

Example:
  bash deploy/local/postgres.sh start --port 55432 --dir /tmp/assetforge-pg
  export ASSETFORGE_TEST_POSTGRES_URL=\$(bash deploy/local/postgres.sh url --dir /tmp/assetforge-pg)
  bash deploy/local/postgres.sh stop --dir /tmp/assetforge-pg --remove
EOF
}

log() { printf '[postgres] %s\n' "$*" >&2; }
die() { printf '[postgres] error: %s\n' "$*" >&2; exit 1; }

check_port() {
    if ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then die "invalid port '$1'"; fi
}

# The directory of initdb, pg_ctl and postgres.
bindir() {
    local dir candidate
    if [ -n "${ASSETFORGE_PG_BINDIR:-}" ]; then
        if [ ! -x "$ASSETFORGE_PG_BINDIR/pg_ctl" ] || [ ! -x "$ASSETFORGE_PG_BINDIR/initdb" ]; then
            die "ASSETFORGE_PG_BINDIR=$ASSETFORGE_PG_BINDIR has no initdb and pg_ctl"
        fi
        printf '%s\n' "$ASSETFORGE_PG_BINDIR"
        return
    fi
    # Debian keeps the server programs out of PATH, one directory per major version: take the newest.
    dir=""
    for candidate in /usr/lib/postgresql/*/bin; do
        if [ ! -x "$candidate/pg_ctl" ] || [ ! -x "$candidate/initdb" ] || [ ! -x "$candidate/postgres" ]; then
            continue
        fi
        dir=$(printf '%s\n%s\n' "$dir" "$candidate" | sed '/^$/d' | sort -V | tail -n1)
    done
    if [ -z "$dir" ] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dir=$(dirname "$(command -v pg_ctl)")
    fi
    [ -n "$dir" ] || die "no PostgreSQL server programs found (looked in /usr/lib/postgresql/*/bin and PATH);
  install them: apt-get install postgresql (deploy/setup.sh does), or set ASSETFORGE_PG_BINDIR"
    printf '%s\n' "$dir"
}

# Runs a command as the server's user: postgres when we are root, ourselves otherwise. From / so that a
# working directory the postgres user cannot read causes no warnings.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        id -u "$SUPERUSER" >/dev/null 2>&1 \
            || die "there is no '$SUPERUSER' user to run the server as (PostgreSQL refuses root);
  install Debian's postgresql package, which creates it (apt-get install postgresql)"
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u "$SUPERUSER" -- "$@")
        else
            local quoted
            quoted=$(printf '%q ' "$@")
            (cd / && su -s /bin/sh "$SUPERUSER" -c "$quoted")
        fi
    else
        (cd / && "$@")
    fi
}

owner_name() { if [ "$(id -u)" -eq 0 ]; then printf '%s' "$SUPERUSER"; else id -un; fi; }

absolute() { # absolute path of $1 (which need not exist)
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$(pwd)" "$1" ;;
    esac
}

initialised() { [ -f "$1/PG_VERSION" ]; }

# The pid of the server of data directory $1 when it runs; fails otherwise.
running_pid() {
    local dir=$1 pid
    [ -f "$dir/postmaster.pid" ] || return 1
    pid=$(head -n1 "$dir/postmaster.pid" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q postgres || return 1
    printf '%s\n' "$pid"
}

# The port the server of $1 listens on (from postmaster.pid while it runs, else from our settings file).
configured_port() {
    local dir=$1 port=""
    if running_pid "$dir" >/dev/null && [ -f "$dir/postmaster.pid" ]; then
        port=$(sed -n '4p' "$dir/postmaster.pid" 2>/dev/null || true)
    fi
    if [ -z "$port" ] && [ -f "$dir/$SETTINGS_FILE" ]; then
        port=$(sed -n "s/^port = \([0-9]*\).*/\1/p" "$dir/$SETTINGS_FILE" | head -n1)
    fi
    [[ "$port" =~ ^[0-9]+$ ]] || return 1
    printf '%s\n' "$port"
}

listening() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

port_holder() { # best-effort description of what holds a port
    command -v ss >/dev/null 2>&1 || return 0
    ss -Htlnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
}

# Creates $1 (if needed) owned by the server's user with mode 0700 and checks that user can reach it.
prepare_dir() {
    local dir=$1 owner
    owner=$(owner_name)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$SUPERUSER:" "$dir"
    fi
    chmod 0700 "$dir"
    as_owner test -w "$dir" -a -x "$dir" 2>/dev/null || die "the '$owner' user cannot write to $dir: a parent
  directory is not searchable by others (e.g. /root); choose a directory under /tmp, e.g.
  --dir \$(mktemp -d /tmp/assetforge-pg.XXXXXX)"
}

cmd_start() {
    local port=$1 dir=$2 bin pid current holder logf
    bin=$(bindir)
    if pid=$(running_pid "$dir"); then
        current=$(configured_port "$dir" || echo "?")
        if [ "$current" = "$port" ]; then
            log "already running on $HOST:$port (pid $pid; data $dir)"
            return 0
        fi
        die "the server of $dir already runs on port $current (pid $pid), not $port;
  stop it first: bash deploy/local/postgres.sh stop --dir $dir"
    fi
    if listening "$port"; then
        holder=$(port_holder "$port")
        die "port $port on $HOST is already in use${holder:+ by $holder}; choose another with --port"
    fi
    prepare_dir "$dir"
    if ! initialised "$dir"; then
        [ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor a PostgreSQL data directory; choose another --dir"
        log "initialising $dir ($("$bin/postgres" --version), user $(owner_name))"
        local out
        if ! out=$(as_owner "$bin/initdb" --pgdata="$dir" --username="$SUPERUSER" --encoding=UTF8 --locale=C \
                --auth-local=trust --auth-host=scram-sha-256 2>&1); then
            printf '%s\n' "$out" >&2
            die "initdb failed for $dir"
        fi
        # Only TCP on loopback: the superuser is trusted, everyone else needs a password.
        as_owner sh -c "cat >'$dir/pg_hba.conf'" <<EOF
# Written by deploy/local/postgres.sh.
# TYPE  DATABASE  USER       ADDRESS        METHOD
local   all       $SUPERUSER                trust
host    all       $SUPERUSER 127.0.0.1/32   trust
host    all       all        127.0.0.1/32   scram-sha-256
EOF
        printf "\n# deploy/local/postgres.sh\ninclude_if_exists = '%s'\n" "$SETTINGS_FILE" \
            | as_owner sh -c "cat >>'$dir/postgresql.conf'"
    fi
    # No Unix socket: /var/run/postgresql may not exist (or belong to the machine's own cluster).
    as_owner sh -c "cat >'$dir/$SETTINGS_FILE'" <<EOF
# Written by deploy/local/postgres.sh at every start.
listen_addresses = '$HOST'
port = $port
unix_socket_directories = ''
max_connections = 200
password_encryption = 'scram-sha-256'
EOF
    logf="$dir/$LOG_NAME"
    if ! as_owner "$bin/pg_ctl" start --pgdata="$dir" --log="$logf" --wait --timeout=60 --silent; then
        if [ -f "$logf" ]; then
            log "last lines of $logf:"
            tail -n 20 "$logf" >&2
        fi
        die "could not start PostgreSQL on $HOST:$port (data $dir)"
    fi
    pid=$(running_pid "$dir") || die "pg_ctl reported a start, but no server of $dir runs; see $logf"
    log "started PostgreSQL on $HOST:$port (pid $pid; data $dir; log $logf)"
}

cmd_stop() {
    local dir=$1 remove=$2 bin pid
    if [ ! -d "$dir" ]; then
        log "no data directory $dir (nothing to stop)"
        return 0
    fi
    if pid=$(running_pid "$dir"); then
        bin=$(bindir)
        as_owner "$bin/pg_ctl" stop --pgdata="$dir" --mode=fast --wait --timeout=60 --silent \
            || die "pg_ctl could not stop the server of $dir (pid $pid); see $dir/$LOG_NAME"
        log "stopped PostgreSQL (pid $pid; data $dir)"
    else
        log "no server of $dir is running (nothing to stop)"
    fi
    if [ -n "$remove" ]; then
        initialised "$dir" || [ -z "$(ls -A "$dir")" ] \
            || die "not removing $dir: it is not a PostgreSQL data directory"
        rm -rf "$dir"
        log "removed $dir"
    fi
}

cmd_url() {
    local port=$1 dir=$2
    if [ -z "$port" ]; then
        port=$(configured_port "$dir") || die "no port known for $dir (not started by this script?); pass --port"
    fi
    printf 'postgres://%s@%s:%s/postgres\n' "$SUPERUSER" "$HOST" "$port"
}

cmd_status() {
    local dir=$1 pid
    if pid=$(running_pid "$dir"); then
        log "running on $HOST:$(configured_port "$dir" || echo '?') (pid $pid; data $dir)"
        return 0
    fi
    if initialised "$dir"; then
        log "not running (data $dir)"
    else
        log "not running; $dir is not a data directory"
    fi
    return 3
}

cmd_log() {
    local file="$1/$LOG_NAME"
    [ -f "$file" ] || die "no server log at $file"
    printf '[postgres] last %s lines of %s:\n' "$2" "$file" >&2
    tail -n "$2" "$file"
}

cmd_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# --- argument parsing ---
[ "$#" -gt 0 ] || { usage >&2; exit 2; }
command=$1; shift
port=""
dir=$DEFAULT_DIR
lines=40
remove=""
while [ "$#" -gt 0 ]; do
    case "$1" in
        --port) [ "$#" -ge 2 ] || die "--port needs a value"; port=$2; shift 2 ;;
        --port=*) port=${1#--port=}; shift ;;
        --dir) [ "$#" -ge 2 ] || die "--dir needs a value"; dir=$2; shift 2 ;;
        --dir=*) dir=${1#--dir=}; shift ;;
        --lines) [ "$#" -ge 2 ] || die "--lines needs a value"; lines=$2; shift 2 ;;
        --remove) remove=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see: bash deploy/local/postgres.sh --help)" ;;
    esac
done
[ -z "$port" ] || check_port "$port"
[ -n "$dir" ] || die "--dir must not be empty"
dir=$(absolute "$dir")
[[ "$lines" =~ ^[0-9]+$ ]] || die "invalid --lines '$lines'"

case "$command" in
    start) cmd_start "${port:-$DEFAULT_PORT}" "$dir" ;;
    stop) cmd_stop "$dir" "$remove" ;;
    url) cmd_url "$port" "$dir" ;;
    status) cmd_status "$dir" ;;
    log) cmd_log "$dir" "$lines" ;;
    free-port) cmd_free_port ;;
    bindir) bindir ;;
    -h | --help | help) usage ;;
    *) usage >&2; die "unknown command '$command'" ;;
esac
