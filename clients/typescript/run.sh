#!/usr/bin/env bash
# TypeScript client gate: generates types from api-spec/openapi.yaml with openapi-typescript, type-checks a
# program written against them with openapi-fetch (tsc --strict, plus noUncheckedIndexedAccess and
# exactOptionalPropertyTypes), and runs it against a live gateway. The program calls every operation of
# the tags Auth, Health, Tenants, Users, ApiKeys, Extensions, Queues, VoicemailBoxes, VoicemailMessages,
# Dids, Ivrs, Conditions, Huntlists, Destinations, Flows, Conferences, MediaFiles, MusicOnHold,
# Phonebooks, PhonePhonebooks and Phones, and checks each answer: status, typed body (what was created,
# listed, patched), ETag/If-None-Match/If-Match, Idempotency-Key replay, cursor paging with limit=2, and
# the error answers (401 invalid_api_key, 404 not_found, 412 precondition_failed, 422 validation_failed
# naming the field). Every exchange is appended to $PBXGW_CALLED_OUT as `METHOD /path STATUS`.
#
# Environment: PBXGW_BASE_URL, PBXGW_ADMIN_KEY, PBXGW_TENANT, PBXGW_TENANT_KEY, PBXGW_CALLED_OUT,
# PBXGW_GATES_TOOLS (node_modules with the tools pinned by scripts/api-gates/package.json, default .tools),
# PBXGW_CLIENT_WORK (scratch directory for the generated code and the build).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tools="${PBXGW_GATES_TOOLS:-$root/.tools}"
work="${PBXGW_CLIENT_WORK:?PBXGW_CLIENT_WORK is not set}"
for name in PBXGW_BASE_URL PBXGW_ADMIN_KEY PBXGW_TENANT PBXGW_TENANT_KEY PBXGW_CALLED_OUT; do
    [[ -n "${!name:-}" ]] || { echo "typescript client: $name is not set" >&2; exit 2; }
done
# Absolute, since the build links to the tools and the generator runs from the build directory.
[[ -d "$tools" ]] || { echo "typescript client: no tools directory $tools" >&2; exit 2; }
tools="$(cd "$tools" && pwd)"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
bin="$tools/node_modules/.bin"
for tool in openapi-typescript tsc; do
    [[ -x "$bin/$tool" ]] || { echo "typescript client: $bin/$tool missing (npm ci --prefix $tools)" >&2; exit 2; }
done

# A fresh build directory each run: the sources, the types generated now, and the tools' node_modules
# (openapi-fetch is resolved from there, at compile and at run time).
build="$work/typescript"
rm -rf "$build"
mkdir -p "$build/src/generated"
cp -R "$here/src/." "$build/src/"
cp "$here/tsconfig.json" "$build/"
echo '{"private": true, "type": "module"}' >"$build/package.json"
ln -s "$tools/node_modules" "$build/node_modules"

# Generated in the build directory: openapi-typescript reads a redocly.yaml from its working directory,
# and the repository's (the lint gate's rules) is not meant for it. Its chatter is shown only on failure.
(cd "$build" && "$bin/openapi-typescript" "$root/api-spec/openapi.yaml" -o src/generated/schema.d.ts) \
    >"$build/openapi-typescript.log" 2>&1 || { cat "$build/openapi-typescript.log" >&2; exit 1; }
"$bin/tsc" --strict -p "$build/tsconfig.json"
node "$build/out/main.js"
