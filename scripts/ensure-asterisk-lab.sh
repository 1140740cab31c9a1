#!/usr/bin/env bash
# Makes sure the real-PBX tests can run: finds the Asterisk lab runtime and installs the Debian
# packages its binaries, phone and prompts need (as root with apt-get), then runs `lab.sh check`.
#
# Environment: PBXGW_ASTERISK_LAB (default: ../shared/asterisk-lab next to this repository),
# CI (=true: a lab that is missing or cannot run fails; otherwise the tests skip themselves and say so).
# Prints the lab's path on stdout when it is usable.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lab="${PBXGW_ASTERISK_LAB:-$repo/../shared/asterisk-lab}"

# The runtime libraries of the lab's Asterisk 22 build, its phone (baresip), prompts and music on
# hold, and a C compiler for its loopback shim (the lab's README, "Required Debian packages").
packages=(libc6 libcrypt1 libgcc-s1 libstdc++6 zlib1g libssl3 libedit2 libjansson4 libxml2 libxslt1.1
    libsqlite3-0 libuuid1 libsrtp2-1 libpq5 libspandsp2 baresip-core asterisk-core-sounds-en-gsm
    asterisk-moh-opsound-gsm gcc libc6-dev)

unusable() {
    if [[ "${CI:-}" == "true" ]]; then
        echo "error: the real-PBX tests need the Asterisk lab: $*" >&2
        echo "       Set PBXGW_ASTERISK_LAB to the asterisk-lab directory (README \"Real PBX tests\")." >&2
        exit 1
    fi
    echo "ensure-asterisk-lab: $*; the real-PBX tests will be skipped (set PBXGW_ASTERISK_LAB to enable them)" >&2
    exit 0
}

[[ -x "$lab/lab.sh" ]] || unusable "no lab.sh at $lab"

if ! "$lab/lab.sh" check >/dev/null 2>&1; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "ensure-asterisk-lab: installing the lab's runtime packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${packages[@]}" >&2 \
            || { apt-get update -q >&2 && apt-get install -y -q "${packages[@]}" >&2; } \
            || true
    fi
    "$lab/lab.sh" check >&2 || unusable "lab.sh check fails (missing packages, see above)"
fi
cd "$lab" && pwd
