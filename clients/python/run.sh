#!/usr/bin/env bash
# Python client gate (run by the `clients` gate of scripts/api-gates.sh): generates a client from the
# committed api-spec/openapi.yaml with openapi-python-client and runs pbx_gate/ against a seeded gateway
# with that code, unmodified. pbx_gate calls every operation of the tags VirtualExtensions .. Audit (the
# TypeScript program calls the others) plus a tenant and extension of its own: create (with an
# Idempotency-Key replay), read (ETag, 304), list with limit=2 to the last cursor, merge patch (If-Match),
# delete, and the errors 401, 404 not_found, 412 precondition_failed, 422 validation_failed naming the
# member; live operations answer 503 pbx_unavailable (no PBX node). Each status and typed body is checked;
# the client raises on a status the operation does not declare. Exits non-zero on any failed expectation.
#
# Environment: PBXGW_BASE_URL, PBXGW_ADMIN_KEY, PBXGW_TENANT, PBXGW_TENANT_KEY (read-write key of that
# tenant), PBXGW_CALLED_OUT (one `METHOD /path STATUS` line per exchange is appended to it, for
# scripts/api-gates/client-coverage.py), PBXGW_GATES_TOOLS (tools directory: clients-venv/ holds
# openapi-python-client, pinned by scripts/api-gates/requirements-clients.txt), PBXGW_CLIENT_WORK (scratch
# directory: the generated package goes there).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${PBXGW_BASE_URL:?}" "${PBXGW_ADMIN_KEY:?}" "${PBXGW_TENANT:?}" "${PBXGW_TENANT_KEY:?}" "${PBXGW_CALLED_OUT:?}"
venv="${PBXGW_GATES_TOOLS:-$root/.tools}/clients-venv"
work="${PBXGW_CLIENT_WORK:?}/python"

if [[ ! -x "$venv/bin/openapi-python-client" ]]; then
    echo "python client: $venv/bin/openapi-python-client missing (scripts/api-gates.sh installs it)" >&2
    exit 1
fi

# Generated anew on every run, from the document as committed. --meta none writes the bare package (no
# pyproject), which the program imports from $work. The venv's bin on PATH lets the generator run its
# ruff post-hooks (formatting only).
rm -rf "$work"
mkdir -p "$work"
if ! PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path "$root/api-spec/openapi.yaml" \
    --output-path "$work/pbx_gateway_client" --meta none >"$work/generate.log" 2>&1; then
    cat "$work/generate.log" >&2
    echo "python client: openapi-python-client could not generate a client from api-spec/openapi.yaml" >&2
    exit 1
fi
# The generator's warnings (content types it cannot parse) are part of the verdict's context, not a failure.
grep '^WARNING' "$work/generate.log" | sort | uniq -c | sed 's/^/python client: generator: /' || true

# No bytecode in the repository's clients/python/.
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$work:$here" "$venv/bin/python" -m pbx_gate
