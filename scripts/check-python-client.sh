#!/usr/bin/env bash
# Acceptance check (not part of `make test`: it needs PyPI): generates a Python client from
# api-spec/openapi.yaml with openapi-python-client and runs tenant + extension CRUD with it,
# unmodified, plus queue member management, against a gateway started on a throwaway SQLite database.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
pip install -q openapi-python-client httpx attrs python-dateutil
openapi-python-client generate --path "$root/api-spec/openapi.yaml" --output-path "$work/client" >/dev/null
sed "s#/tmp/pyclient/client#$work/client#; s#127.0.0.1:18081#127.0.0.1:18091#" "$root/scripts/python-client-crud.py" > "$work/crud.py"
cargo build -q --bin pbx-gateway --manifest-path "$root/Cargo.toml"
(cd "$work" && exec "$root/target/debug/pbx-gateway" serve --listen 127.0.0.1:18091 --database-url "sqlite://$work/gw.db" 2>"$work/log") &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18091/health >/dev/null && break; sleep 0.1; done
python3 "$work/crud.py" "$work/data/admin-key.txt"
