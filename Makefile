# pbx-gateway developer and CI entry points. GNU make.
#
#   make run          serve on 127.0.0.1:8080 with data/pbx-gateway.db (SQLite, created on first start)
#   make test         test-sqlite, test-api, then test-pg (all must pass)
#   make test-sqlite  the whole workspace; the integration suite uses a fresh SQLite file per test
#   make test-api     API conformance gates (scripts/api-gates.sh): the served spec is the committed one,
#                     Redocly lint (recommended ruleset, 0 errors), generated TypeScript and Python clients
#                     whose programs call every operation between them, Schemathesis over every operation
#                     as a tenant key and as the admin key. Tools install once into .tools/ (needs PyPI + npm).
#   make test-pg      the integration suite against PostgreSQL (PG_URL), a fresh database per test
#                     Both run the real-PBX tests on Asterisk lab nodes (PBXGW_ASTERISK_LAB, default
#                     a sibling shared/asterisk-lab; scripts/ensure-asterisk-lab.sh installs its packages).
#   make spec         regenerate api-spec/openapi.yaml (a test fails when the committed copy drifts)
#   make fmt          format everything (cargo fmt does not reach src/api/objects/)
#   make lint         rustfmt check + clippy with warnings denied
#   make bench        bench-live, then bench-cdr
#   make bench-live   COUNTCHANNELS/CHANNELS p99 with 10,000 live channels on 3 scripted nodes, vs a bare handler
#   make bench-cdr    CDR CSV export of 1,000,000 rows vs psql \copy (BENCH_ROWS=N to change)
#   make clean-data   remove ./data (local SQLite file, first-start admin key file)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

CARGO ?= cargo

# PostgreSQL server for test-pg; the suite creates (and drops) one database per test on it.
# Override on the command line: make test-pg PG_HOST=db.internal PG_URL=postgres://ci@db.internal:5432/test
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_URL ?= postgres://postgres@$(PG_HOST):$(PG_PORT)/test

.PHONY: help run test test-sqlite test-api test-pg spec fmt lint bench bench-live bench-cdr clean-data

help:
	@echo 'targets: run test test-sqlite test-api test-pg spec fmt lint bench bench-live bench-cdr clean-data'
	@echo '  make run    serve on 127.0.0.1:8080 (SQLite file data/pbx-gateway.db)'
	@echo '  make test   test-sqlite, test-api, then test-pg (PostgreSQL at $(PG_HOST):$(PG_PORT))'

run:
	$(CARGO) run --bin pbx-gateway -- serve

# Sequential on purpose, also under make -j: the suites share target/ and the 2 cores.
test:
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-api
	$(MAKE) --no-print-directory test-pg

# The lab's path comes from scripts/ensure-asterisk-lab.sh (empty = skipped, which CI=true refuses).
test-sqlite:
	lab="$$(scripts/ensure-asterisk-lab.sh)"; PBXGW_ASTERISK_LAB="$$lab" $(CARGO) test --workspace

# About 2 minutes after test-sqlite (which already built the binary); the first run also installs the tools.
test-api:
	CARGO='$(CARGO)' scripts/api-gates.sh

test-pg:
	PG_HOST='$(PG_HOST)' PG_PORT='$(PG_PORT)' scripts/ensure-postgres.sh
	lab="$$(scripts/ensure-asterisk-lab.sh)"; \
	    PBXGW_ASTERISK_LAB="$$lab" PBXGW_TEST_DATABASE_URL='$(PG_URL)' $(CARGO) test --test it

# Written to a temporary file first so a failed build never leaves a truncated spec behind.
spec:
	$(CARGO) run -q --bin pbx-gateway -- spec > api-spec/openapi.yaml.tmp \
	    || { rm -f api-spec/openapi.yaml.tmp; exit 1; }
	mv api-spec/openapi.yaml.tmp api-spec/openapi.yaml

# src/api/objects/*.rs are modules only through build.rs's generated code, which cargo fmt does not follow.
fmt:
	$(CARGO) fmt --all
	rustfmt src/api/objects/*.rs

lint:
	$(CARGO) fmt --all -- --check
	rustfmt --check src/api/objects/*.rs
	$(CARGO) clippy --workspace --all-targets -- -D warnings

bench:
	$(MAKE) --no-print-directory bench-live
	$(MAKE) --no-print-directory bench-cdr

bench-live:
	$(CARGO) bench --bench live_channels

bench-cdr:
	PG_HOST='$(PG_HOST)' PG_PORT='$(PG_PORT)' scripts/ensure-postgres.sh
	PG_URL='$(PG_URL)' scripts/bench-cdr-export.sh $(BENCH_ROWS)

clean-data:
	rm -rf data
