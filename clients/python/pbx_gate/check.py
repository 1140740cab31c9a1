"""Expectations on the generated client's answers: each failure names the operation, what was expected and
what came back, so a run's output says which operation (or which part of the document) is wrong."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import attrs

from pbx_gateway_client.errors import UnexpectedStatus
from pbx_gateway_client.models import Problem

from .conformance import model_problems


class Failure(Exception):
    """A failed expectation."""


def op_name(endpoint: ModuleType) -> str:
    return endpoint.__name__.rsplit(".", 1)[-1]


def expect(condition: bool, operation: str, expected: str, got: Any) -> None:
    if not condition:
        raise Failure(f"{operation}: expected {expected}, got {got!r}"[:1200])


def call(endpoint: ModuleType, status: int, /, **kwargs: Any):
    """Calls `endpoint.sync_detailed(**kwargs)` and returns the generated Response after checking its status.

    The clients raise on a status the operation does not declare (`raise_on_unexpected_status`), and the
    generated models raise TypeError/KeyError/ValueError when a body does not fit the declared schema, and
    conformance.model_problems finds the values they let through: all are defects of the document or the
    server, reported with the operation's name."""
    name = op_name(endpoint)
    try:
        response = endpoint.sync_detailed(**kwargs)
    except UnexpectedStatus as undeclared:
        raise Failure(
            f"{name}: answered {undeclared.status_code}, a status the document does not declare "
            f"(expected {status}): {undeclared.content[:300]!r}"
        ) from None
    except (TypeError, KeyError, ValueError, AttributeError) as bad_model:
        raise Failure(
            f"{name}: the answer does not parse with the generated model "
            f"({type(bad_model).__name__}: {bad_model})"
        ) from bad_model
    if response.status_code != status:
        raise Failure(f"{name}: expected status {status}, got {int(response.status_code)}: {response.content[:400]!r}")
    if 200 <= status < 300 and isinstance(response.parsed, Problem):
        raise Failure(f"{name}: status {status} parsed as a Problem: {response.content[:300]!r}")
    if attrs.has(type(response.parsed)):
        wrong = model_problems(response.parsed)
        if wrong:
            raise Failure(f"{name}: the {status} answer is not what the document declares: " + "; ".join(wrong[:5]))
    return response


def ok(endpoint: ModuleType, status: int = 200, /, **kwargs: Any):
    """The parsed body of a successful call (checked to be of a generated model, not None)."""
    response = call(endpoint, status, **kwargs)
    expect(response.parsed is not None or status == 204, op_name(endpoint), "a parsed body", response.content[:300])
    return response.parsed


def problem(endpoint: ModuleType, status: int, problem_code: str, /, *, naming: str | None = None,
            **kwargs: Any) -> Problem:
    """Calls an operation that must fail with a problem of `status` and `code` (and, for 422, an `errors`
    entry naming the member `naming`). Positional-only, so the operation's own `code` (a tenant's) passes
    through."""
    name = op_name(endpoint)
    parsed = call(endpoint, status, **kwargs).parsed
    expect(isinstance(parsed, Problem), name, f"a Problem ({status})", parsed)
    expect(parsed.status == status and parsed.code == problem_code, name, f"problem {status} {problem_code}",
           (parsed.status, parsed.code, parsed.detail))
    if naming is not None:
        fields = [entry.field for entry in (parsed.errors or [])]
        expect(naming in fields and parsed.field == fields[0], name, f"errors naming {naming!r}", parsed.to_dict())
    return parsed


def same_members(operation: str, sent: dict[str, Any], got: dict[str, Any], *, skip: tuple[str, ...] = ()) -> None:
    """Every member sent (but write-only ones) comes back with the value sent."""
    for member, value in sent.items():
        if member in skip:
            continue
        expect(got.get(member) == value, operation, f"{member} == {value!r}", got.get(member, "<absent>"))
