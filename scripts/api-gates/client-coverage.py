#!/usr/bin/env python3
"""Coverage of the generated-client programs (gate `clients` of scripts/api-gates.sh).

    client-coverage.py SPEC CALLED... [--tags TAG,TAG]

Each CALLED file holds one line per HTTP exchange, `METHOD /concrete/path STATUS`, written by a client
program's hook. Each line is mapped to the spec operation of that method whose path template matches it,
literal segments beating `{param}` segments (`/calls/{id}/transfer` is not `/calls/{id}`, and
`/v1/cdr-templates/x` is not `/v1/tenants/{code}`). Prints `N of M operations called`, then fails listing
each operation no line reached, each (operation, status) whose status the operation does not declare, and
each line that matches no operation.

--tags limits the operations that must be called to those whose first tag is listed (for developing one
program's share; the gate passes no filter)."""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def load_operations(spec_path: str) -> list[dict]:
    with open(spec_path, encoding="utf-8") as source:
        document = yaml.safe_load(source)
    operations = []
    for template, item in document["paths"].items():
        segments = template.strip("/").split("/")
        for method, operation in item.items():
            if method not in METHODS:
                continue
            operations.append({
                "method": method.upper(),
                "template": template,
                "segments": segments,
                "id": operation.get("operationId") or f"{method.upper()} {template}",
                "tag": (operation.get("tags") or [""])[0],
                "statuses": {str(status) for status in operation.get("responses", {})},
            })
    return operations


def is_parameter(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def match(operations: list[dict], method: str, path: str) -> dict | None:
    segments = path.strip("/").split("/")
    candidates = []
    for operation in operations:
        if operation["method"] != method or len(operation["segments"]) != len(segments):
            continue
        if all(is_parameter(t) or t == s for t, s in zip(operation["segments"], segments)):
            # Literal segments first, from the left: the most specific template wins.
            candidates.append((tuple(not is_parameter(t) for t in operation["segments"]), operation["id"], operation))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[0])[2]


def declares(operation: dict, status: str) -> bool:
    return status in operation["statuses"] or f"{status[0]}XX" in operation["statuses"] or "default" in operation["statuses"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec")
    parser.add_argument("called", nargs="+")
    parser.add_argument("--tags", help="comma-separated first tags whose operations must be called")
    args = parser.parse_args()

    operations = load_operations(args.spec)
    line_pattern = re.compile(r"^([A-Z]+) (/\S*) ([0-9]{3})$")
    called: dict[str, set[str]] = defaultdict(set)
    unmatched: list[str] = []
    malformed: list[str] = []
    for path in args.called:
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except FileNotFoundError:
            malformed.append(f"{path}: missing (the program recorded nothing)")
            continue
        for number, line in enumerate(lines, 1):
            found = line_pattern.match(line.strip())
            if not found:
                malformed.append(f"{path}:{number}: {line!r}")
                continue
            method, concrete, status = found.groups()
            operation = match(operations, method, concrete)
            if operation is None:
                unmatched.append(line.strip())
            else:
                called[operation["id"]].add(status)

    by_id = {operation["id"]: operation for operation in operations}
    required = operations
    if args.tags:
        wanted = set(args.tags.split(","))
        required = [operation for operation in operations if operation["tag"] in wanted]
    missed = [operation for operation in required if operation["id"] not in called]
    undeclared = sorted((operation_id, status) for operation_id, statuses in called.items()
                        for status in statuses if not declares(by_id[operation_id], status))

    print(f"{len(required) - len(missed)} of {len(required)} operations called"
          + (f" (tags {args.tags})" if args.tags else ""))
    for operation in missed:
        print(f"  not called: {operation['id']} ({operation['method']} {operation['template']}, tag {operation['tag']})")
    for operation_id, status in undeclared:
        operation = by_id[operation_id]
        print(f"  undeclared status: {operation_id} ({operation['method']} {operation['template']}) answered "
              f"{status}; the document declares {', '.join(sorted(operation['statuses']))}")
    for line in sorted(set(unmatched)):
        print(f"  matches no operation: {line}")
    for line in malformed:
        print(f"  not a record line: {line}")
    return 1 if missed or undeclared or unmatched or malformed else 0


if __name__ == "__main__":
    sys.exit(main())
