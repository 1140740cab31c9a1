#!/usr/bin/env bash
# Makes sure the PostgreSQL server used by `make test-pg` is reachable, starting the local
# cluster(s) when possible. Never skips: if the server cannot be reached, exit 1 with a message.
#
# Environment: PG_HOST (default 127.0.0.1), PG_PORT (default 5432), CI (enables the
# postgresql-client install when pg_isready is missing and we run as root).
set -euo pipefail

host="${PG_HOST:-127.0.0.1}"
port="${PG_PORT:-5432}"
wait_steps=60 # 60 x 0.5 s = 30 s

fail() {
    {
        echo "error: PostgreSQL is required for make test-pg but is not reachable at ${host}:${port}."
        if [[ $# -gt 0 ]]; then echo "       $*"; fi
        echo "       Start it (e.g. pg_ctlcluster --skip-systemctl-redirect <version> main start as root),"
        echo "       or point the suite at another server: make test-pg PG_HOST=... PG_PORT=... PG_URL=postgres://..."
    } >&2
    exit 1
}

find_pg_isready() {
    if command -v pg_isready >/dev/null 2>&1; then
        command -v pg_isready
        return 0
    fi
    local candidate
    for candidate in /usr/lib/postgresql/*/bin/pg_isready; do
        if [[ -x "$candidate" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! pg_isready_bin="$(find_pg_isready)"; then
    if [[ "$(id -u)" -eq 0 && -n "${CI:-}" ]] && command -v apt-get >/dev/null 2>&1; then
        echo "ensure-postgres: pg_isready not found; installing postgresql-client (CI, root)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q postgresql-client >&2 \
            || { apt-get update -q >&2 && apt-get install -y -q postgresql-client >&2; } \
            || true
    fi
    pg_isready_bin="$(find_pg_isready)" \
        || fail "pg_isready (package postgresql-client) is not installed, so the server cannot be checked."
fi

ready() {
    "$pg_isready_bin" -q -h "$host" -p "$port" -t 2
}

if ready; then
    exit 0
fi

case "$host" in
    127.0.0.1 | localhost | ::1) local_host=1 ;;
    *) local_host=0 ;;
esac

if [[ "$local_host" -eq 0 ]]; then
    fail "It is a remote server; this script only starts local clusters."
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    fail "pg_ctlcluster is not installed, so the local cluster cannot be started from here."
fi

started_any=0
if [[ -d /etc/postgresql ]]; then
    for dir in /etc/postgresql/*/main; do
        [[ -d "$dir" ]] || continue
        version="$(basename "$(dirname "$dir")")"
        echo "ensure-postgres: starting cluster ${version}/main" >&2
        # Exit status 2 means "already running"; any failure is judged by pg_isready below.
        pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
        started_any=1
    done
fi
if [[ "$started_any" -eq 0 ]]; then
    fail "No cluster found under /etc/postgresql."
fi

for ((step = 0; step < wait_steps; step++)); do
    if ready; then
        echo "ensure-postgres: PostgreSQL is accepting connections at ${host}:${port}" >&2
        exit 0
    fi
    sleep 0.5
done

fail "Started the local cluster(s) but the server did not accept connections within 30 s."
