#!/usr/bin/env bash
# Installs librdkafka >= 2.2 (with headers and pkg-config file 'rdkafka').
#
# Uses the distribution's librdkafka-dev where it is new enough (Debian 13, Ubuntu 24.04);
# otherwise builds librdkafka 2.8 from Debian 13's source package into /usr/local.
# Idempotent: when a good enough version is already visible to pkg-config it returns at once.
set -euo pipefail

MIN_VERSION="2.2.0"
log() { printf '[install-librdkafka] %s\n' "$*" >&2; }

version_ge() { # version_ge A B: A >= B
    [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

current_version() {
    PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
        pkg-config --modversion rdkafka 2>/dev/null || true
}

have=$(current_version)
if [ -n "$have" ] && version_ge "$have" "$MIN_VERSION"; then
    log "librdkafka $have already installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root to install packages (found librdkafka '${have:-none}', need >= $MIN_VERSION)"
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
BUILD_DEPS=(build-essential pkg-config libcurl4-openssl-dev libssl-dev liblz4-dev libsasl2-dev
            libzstd-dev zlib1g-dev rapidjson-dev dpkg-dev)
apt_updated=0
apt_update_once() {
    if [ "$apt_updated" -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
}

# 1. The distribution's package, when it is new enough.
apt_update_once
candidate=$(apt-cache policy librdkafka-dev 2>/dev/null | awk '/Candidate:/ {print $2}')
candidate_upstream=${candidate#*:}
candidate_upstream=${candidate_upstream%%-*}
if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && version_ge "$candidate_upstream" "$MIN_VERSION"; then
    log "installing the distribution's librdkafka-dev $candidate"
    apt-get install -y -qq librdkafka-dev libcurl4-openssl-dev libssl-dev pkg-config >/dev/null
    exit 0
fi

# 2. Build 2.8 from Debian 13's (trixie) source package into /usr/local.
log "distribution offers librdkafka '${candidate:-none}' (< $MIN_VERSION): building 2.8 from Debian 13's source package"
apt-get install -y -qq "${BUILD_DEPS[@]}" >/dev/null

# Debian's source package comes from a Debian mirror: the machine's own on Debian, otherwise
# (Ubuntu 22.04) deb.debian.org, verified with Debian's archive keyring.
# shellcheck disable=SC1091
os_id=$(. /etc/os-release 2>/dev/null && printf '%s' "${ID:-}")
if [ "$os_id" != debian ] && [ ! -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
    log "installing debian-archive-keyring to verify Debian's source package"
    apt-get install -y -qq debian-archive-keyring >/dev/null
fi
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
    [ "$os_id" = debian ] || break
    [ -f "$f" ] || continue
    mirror=$(awk '/^URIs:/ {print $2; exit}' "$f")
    [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ "$os_id" = debian ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
fi
mirror=${mirror:-http://deb.debian.org/debian}
case "$mirror" in *security*) mirror=http://deb.debian.org/debian ;; esac

work=$(mktemp -d /tmp/librdkafka-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/src"
cat >"$work/trixie.sources" <<EOF
Types: deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o APT::Sandbox::User=root -o "Dir::Etc::sourcelist=$work/trixie.sources" -o "Dir::Etc::sourceparts=/nonexistent"
          -o "Dir::State::Lists=$work/lists")
apt-get "${apt_opts[@]}" update -qq
(cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only librdkafka >/dev/null)
orig=$(ls "$work"/src/librdkafka_*.orig.tar.* | head -n1)
tar -xf "$orig" -C "$work/src"
srcdir=$(find "$work/src" -maxdepth 1 -type d -name 'librdkafka-*' | head -n1)
log "building $(basename "$srcdir") (about a minute on 2 cores)"
(
    cd "$srcdir"
    ./configure --prefix=/usr/local >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; exit 1; }
    make -C src -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -n 50 "$work/make.log" >&2; exit 1; }
    make -C src install >/dev/null
)
ldconfig
have=$(current_version)
if [ -z "$have" ] || ! version_ge "$have" "$MIN_VERSION"; then
    log "build finished but pkg-config reports '${have:-nothing}'"
    exit 1
fi
log "librdkafka $have installed into /usr/local"
