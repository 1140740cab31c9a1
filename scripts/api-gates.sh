#!/usr/bin/env bash
# API conformance gates (`make test-api`, part of `make test`). Each gate fails the run; all of them run
# even when an earlier one failed, and the summary at the end lists each with its time.
#
#   spec-served   the document the gateway serves at /openapi.json is the committed api-spec/openapi.yaml
#                 (the drift test `tests/it/spec.rs` holds the copy to the code; this holds the served form)
#   redocly       Redocly CLI `lint` of api-spec/openapi.yaml, recommended ruleset (redocly.yaml): 0 errors
#   clients       clients generated from the committed document and used unmodified: clients/typescript/run.sh
#                 (openapi-typescript + openapi-fetch, tsc --strict) and clients/python/run.sh
#                 (openapi-python-client) each run a program over their share of the operations, checking
#                 every answer; scripts/api-gates/client-coverage.py then holds the two records to the spec:
#                 every operation called by one of them, no status an operation does not declare
#   st-tenant     Schemathesis over every operation of the spec, as a tenant read-write API key
#   st-admin      the same as the admin key
#
# The Schemathesis gates run against the debug binary, started on a throwaway SQLite database on a free
# loopback port, seeded through the REST API (a tenant, the tenant's key) and `pbx-gateway demo-data`
# (extensions, queues, CDRs, logs, voicemails, recordings), so reads find data. No PBX node is configured:
# operations that need one answer 503 `pbx_unavailable`, which they declare.
#
# Tools install into .tools/ (gitignored; PBXGW_GATES_TOOLS to move it), pinned by scripts/api-gates/:
# requirements.txt -> .tools/venv (python3 -m venv), requirements-clients.txt -> .tools/clients-venv (the
# Python client generator, apart so its pins never fight Schemathesis's), package.json + package-lock.json ->
# .tools/node_modules (npm ci). A later run reuses them while the pinned files are unchanged. Needs python3 (with venv), npm
# and the package registries (PyPI, npm) on the first run.
#
# Knobs (environment): GATES_MAX_EXAMPLES (generated cases per operation and phase, default 5),
# GATES_SEED (default fixed, so a run is repeatable; any integer explores other cases), GATES_KEEP=1
# (keep the work directory with the server log and the Schemathesis reports), CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins="$root/scripts/api-gates"
tools="${PBXGW_GATES_TOOLS:-$root/.tools}"
target="${CARGO_TARGET_DIR:-$root/target}"
examples="${GATES_MAX_EXAMPLES:-5}"
seed="${GATES_SEED:-14}"
tenant=GATES
work="$(mktemp -d "${TMPDIR:-/tmp}/pbxgw-gates.XXXXXX")"
server=""

cleanup() {
    if [[ -n "$server" ]]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    if [[ "${GATES_KEEP:-}" == 1 ]]; then
        echo "api-gates: work directory kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

log() { echo "api-gates: $*" >&2; }

# --- tools ------------------------------------------------------------------------------------------------

# Reinstalls when the pinned file differs from the one the installed tools came from (a stamp copy).
install_python_tools() {
    local venv="$tools/venv"
    if [[ -x "$venv/bin/schemathesis" ]] && cmp -s "$pins/requirements.txt" "$venv/.pins"; then
        return
    fi
    log "installing Python tools into $venv"
    rm -rf "$venv"
    mkdir -p "$tools"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$pins/requirements.txt"
    cp "$pins/requirements.txt" "$venv/.pins"
}

install_client_tools() {
    local venv="$tools/clients-venv"
    if [[ -x "$venv/bin/openapi-python-client" ]] && cmp -s "$pins/requirements-clients.txt" "$venv/.pins"; then
        return
    fi
    log "installing Python client tools into $venv"
    rm -rf "$venv"
    mkdir -p "$tools"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$pins/requirements-clients.txt"
    cp "$pins/requirements-clients.txt" "$venv/.pins"
}

install_node_tools() {
    if [[ -x "$tools/node_modules/.bin/redocly" ]] && cmp -s "$pins/package-lock.json" "$tools/node_modules/.pins"; then
        return
    fi
    log "installing Node tools into $tools/node_modules"
    mkdir -p "$tools"
    cp "$pins/package.json" "$pins/package-lock.json" "$tools/"
    npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error >/dev/null
    cp "$pins/package-lock.json" "$tools/node_modules/.pins"
}

# --- gates ------------------------------------------------------------------------------------------------

declare -a summary=()
failed=0

# run_gate NAME COMMAND...: runs one gate, records its verdict and time, never stops the script.
run_gate() {
    local name="$1" start status
    shift
    echo
    echo "== gate $name"
    start=$SECONDS
    if "$@"; then status=passed; else status=FAILED; failed=1; fi
    summary+=("$(printf '%-12s %-7s %4ss' "$name" "$status" $((SECONDS - start)))")
}

# The served document and the committed one, compared as parsed data (YAML and JSON render the same
# document differently); on a difference, the first paths that differ.
spec_served() {
    "$tools/venv/bin/python" - "$root/api-spec/openapi.yaml" "$base/openapi.json" <<'PY'
import json, sys, urllib.request
import yaml

# Timestamps stay text, as in JSON (an example like 2026-12-04T09:30:00Z is a string).
class TextTimes(yaml.SafeLoader):
    pass
TextTimes.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
committed = yaml.load(open(sys.argv[1], encoding="utf-8"), Loader=TextTimes)
served = json.load(urllib.request.urlopen(sys.argv[2]))

def diff(a, b, path, out):
    if len(out) >= 10:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'served' if k in b else 'committed'}")
            else:
                diff(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}/{i}", out)
    elif a != b:
        out.append(f"{path}: committed {json.dumps(a)[:80]} != served {json.dumps(b)[:80]}")

out = []
diff(committed, served, "#", out)
if out:
    print("the served /openapi.json differs from api-spec/openapi.yaml (run `make spec`?):")
    print("\n".join(out))
    sys.exit(1)
print("served /openapi.json == api-spec/openapi.yaml")
PY
}

redocly_lint() {
    # --format stylish: one line per problem (the default prints a code frame for each).
    (cd "$root" && "$tools/node_modules/.bin/redocly" lint --config redocly.yaml --format stylish \
        api-spec/openapi.yaml 2>&1 | grep -v -e '^ *║' -e '^ *╔' -e '^ *╚')
}

# client_run LANG: clients/LANG/run.sh with the seeded gateway, recording its exchanges in $work/called-LANG.txt.
client_run() {
    local lang="$1" script="$root/clients/$1/run.sh"
    if [[ ! -x "$script" ]]; then
        echo "clients/$lang/run.sh missing (or not executable)"
        return 1
    fi
    echo "-- $lang client"
    PBXGW_BASE_URL="$base" PBXGW_ADMIN_KEY="$admin_key" PBXGW_TENANT="$tenant" PBXGW_TENANT_KEY="$tenant_key" \
        PBXGW_CALLED_OUT="$work/called-$lang.txt" PBXGW_GATES_TOOLS="$tools" PBXGW_CLIENT_WORK="$work/client-$lang" \
        "$script"
}

# Both programs run even when the first fails (each failure is its own message), then the coverage of
# their records together: the gate passes only when the two have called every operation between them.
clients_gate() {
    local status=0
    : >"$work/called-typescript.txt"
    : >"$work/called-python.txt"
    client_run typescript || status=1
    client_run python || status=1
    echo "-- coverage of the spec by both clients"
    "$tools/venv/bin/python" "$pins/client-coverage.py" "$root/api-spec/openapi.yaml" \
        "$work/called-typescript.txt" "$work/called-python.txt" || status=1
    return $status
}

# schemathesis_run NAME KEY [OPTION...]: the whole spec with that key (options: exclusions).
#   --checks all: every check applies to this API; none is excluded.
#   --max-examples: cases per operation in each generating phase (examples, fuzzing); the coverage phase
#   derives its own bounded set from the schema, and the stateful phase follows the spec's links.
#   --continue-on-failure: an operation's first failure does not end its tests, so a run shows every
#   failure, not the first of each operation.
#   --workers 1: with two, Hypothesis's lambda-source inspection raced now and then ("AST constructor
#   recursion depth mismatch", a runtime error that fails the run).
#   There is no baseline of accepted failures: any failure fails the gate. scripts/api-gates/hooks.py (named by
#   schemathesis.toml) drops only the refusals of rules no OpenAPI 3.0 schema can state, each listed there.
schemathesis_run() {
    local name="$1" key="$2" status=0
    shift 2
    # Run from the work directory: Schemathesis keeps a cache (.schemathesis/) in the current one.
    (cd "$work" && GATES_TENANT="$tenant" GATES_KEY="$key" GATES_HOOKS="$pins/hooks.py" \
        GATES_DROPPED="$work/dropped-$name.txt" "$tools/venv/bin/schemathesis" --no-color \
        --config-file "$pins/schemathesis.toml" run "$root/api-spec/openapi.yaml" \
        --url "$base" \
        --checks all \
        --max-examples "$examples" \
        --continue-on-failure \
        --seed "$seed" \
        --workers 1 \
        --generation-database none \
        --report junit,ndjson --report-dir "$work/reports-$name" \
        "$@") >"$work/$name.txt" 2>&1 || status=$?
    # New failures and errors in full (each with a curl line that reproduces it), then the summary; the
    # whole output stays in the work directory (GATES_KEEP=1).
    if [[ $status -ne 0 ]]; then
        sed -n '/^=* ERRORS =*$/,/^=* SUMMARY =*$/p; /^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$work/$name.txt" \
            | grep -v '^=* SUMMARY =*$' | cut -c1-600
    fi
    sed -n '/^=* SUMMARY =*$/,$p' "$work/$name.txt"
    # What hooks.py dropped, by operation and member (the list itself stays in the work directory).
    if [[ -s "$work/dropped-$name.txt" ]]; then
        echo "dropped by hooks.py, as rules no schema states (count, operation, first refusal):"
        cut -f1,2 "$work/dropped-$name.txt" | sed 's/: .*//' | sort | uniq -c | sort -rn | head -40
    fi
    return $status
}

# --- main -------------------------------------------------------------------------------------------------

install_python_tools
install_client_tools
install_node_tools

log "building the gateway (debug)"
(cd "$root" && "${CARGO:-cargo}" build -q --bin pbx-gateway)
bin="$target/debug/pbx-gateway"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/gw.db"
export PBXGW_SPOOL_DIR="$work/spool" PBXGW_RECORDINGS_DIR="$work/recordings" PBXGW_FAX_DIR="$work/faxes"
# Schemathesis sends thousands of requests from one address with one key; the budgets would answer most of
# them 429 (declared, so no check would fail, but nothing behind the limiter would be tested).
export PBXGW_RATE_LIMIT_PER_ADDRESS=100000000 PBXGW_RATE_LIMIT_PER_CREDENTIAL=100000000
export RUST_LOG="${RUST_LOG:-warn}"

# Started in the work directory: the first start writes the admin key to ./data/admin-key.txt.
(cd "$work" && exec "$bin" serve --listen "127.0.0.1:$port" 2>"$work/server.log") &
server=$!
for _ in $(seq 1 150); do
    curl -sf "$base/health" >/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; log "the gateway did not start"; exit 1; }
    sleep 0.2
done
curl -sf "$base/health" >/dev/null || { cat "$work/server.log" >&2; log "no answer on $base/health"; exit 1; }
admin_key="$(cat "$work/data/admin-key.txt")"

log "seeding tenant $tenant on $base"
# post PATH JSON: POST with the admin key; prints the answer, fails on a status other than 201.
post() {
    curl -sS --fail-with-body -X POST "$base$1" -H "X-API-Key: $admin_key" \
        -H 'content-type: application/json' -d "$2"
}
post /v1/tenants "{\"code\":\"$tenant\",\"name\":\"API gates\"}" >/dev/null
tenant_key="$(post "/v1/tenants/$tenant/api-keys" '{"name":"api-gates","read_only":false}' \
    | "$tools/venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["key"])')"
"$bin" demo-data --tenant "$tenant" --seed 14 --cdrs 60 --queue-logs 30 --ivr-logs 20 --response-paths 5 \
    --voicemails 4 --recordings 4 --days 3 >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }

run_gate spec-served spec_served
run_gate redocly redocly_lint
# Before the Schemathesis runs, on the data as seeded: the programs count on the demo data (60 CDRs, 4
# recordings, ...) and leave it as they found it, deleting what they create where the API allows.
run_gate clients clients_gate
# The tenant key first: the admin run may change the tenant (disable it, say) through its PATCH.
# Revoking a key as the tenant key is left to the admin run: the tenant run learns key ids from the key
# list, so it would revoke its own key, and every request after that would answer 401.
run_gate st-tenant schemathesis_run tenant "$tenant_key" --exclude-name 'DELETE /v1/tenants/{code}/api-keys/{id}'

run_gate st-admin schemathesis_run admin "$admin_key"

echo
echo "== api gates (seed $seed, max examples $examples)"
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
    echo "api gates: FAILED (GATES_KEEP=1 keeps the server log and the reports)"
    exit 1
fi
echo "api gates: all passed"
