#!/usr/bin/env bash
# Ensures the project-local Python virtual environment <repo>/.venv exists and holds
# deploy/requirements.txt (the tansu broker wheel, pytest, jsonschema).
#
# Debian 12+ and Ubuntu 23.04+ refuse a global `pip install` (PEP 668), hence the venv.
# pip runs only when the requirements changed since the last successful install: a hash of
# deploy/requirements.txt is stored in .venv/.requirements.sha256.
# Environment: ASSETFORGE_PYTHON  interpreter used to create the venv (default: python3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/deploy/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PYTHON=${ASSETFORGE_PYTHON:-python3}

log() { printf '[venv] %s\n' "$*" >&2; }
die() { printf '[venv] error: %s\n' "$*" >&2; exit 1; }

# A venv whose interpreter no longer runs (e.g. the base Python was removed) is rebuilt.
if [ -d "$VENV" ] && ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
    log "$VENV is broken; recreating it"
    rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found; install python3 and python3-venv (deploy/setup.sh does)"
    log "creating $VENV with $("$PYTHON" --version 2>&1)"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "'$PYTHON -m venv $VENV' failed (see above); if ensurepip is missing, install python3-venv (deploy/setup.sh does)"
    fi
fi

want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
have=$(cat "$STAMP" 2>/dev/null || true)
if [ "$want" = "$have" ]; then
    log "$VENV is up to date with deploy/requirements.txt"
    exit 0
fi

log "installing deploy/requirements.txt into $VENV"
PIP_NO_INPUT=1 "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet \
    --requirement "$REQUIREMENTS" || die "pip install failed (PyPI reachable?)"
printf '%s\n' "$want" >"$STAMP.tmp" && mv "$STAMP.tmp" "$STAMP"
log "installed: $("$VENV/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null | tr '\n' ' ')"
