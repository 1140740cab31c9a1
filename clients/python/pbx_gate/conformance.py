"""Holds a parsed answer to the types the generated models declare. The generated `from_dict` copies
values without checking them (an int where the document says string, a null where it is not nullable), and
keeps members the document does not name in `additional_properties`: both mean the server answered
something the document does not say, which this reports."""

from __future__ import annotations

import datetime
import enum
import functools
import sys
import types
import typing
from typing import Any

import attrs

import pbx_gateway_client.models as models
from pbx_gateway_client.types import File, Unset


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    # The models annotate with strings and import their neighbours only under TYPE_CHECKING: resolve the
    # names against the whole models package.
    namespace = {**vars(models), **vars(sys.modules[cls.__module__])}
    return typing.get_type_hints(cls, globalns=namespace)


def open_object(cls: type) -> bool:
    """A schema with only `additionalProperties` (a free-form object): its extra members are its content."""
    return [f.name for f in attrs.fields(cls)] == ["additional_properties"]


def problems(value: Any, hint: Any, where: str) -> list[str]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        found = [problems(value, arm, where) for arm in typing.get_args(hint)]
        if any(not p for p in found):
            return []
        return [f"{where}: {value!r:.80} is none of {hint}"]
    if hint is Any:
        return []
    if hint is type(None):
        return [] if value is None else [f"{where}: {value!r:.80} is not null"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {value!r:.80} is not a list"]
        (item,) = typing.get_args(hint)
        return [p for i, v in enumerate(value) for p in problems(v, item, f"{where}[{i}]")]
    if origin is dict:
        return [] if isinstance(value, dict) else [f"{where}: {value!r:.80} is not an object"]
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(hint, type) and attrs.has(hint):
        return model_problems(value, where) if isinstance(value, hint) else [f"{where}: not a {hint.__name__}"]
    elif isinstance(hint, type) and issubclass(hint, (str, bool, datetime.date, enum.Enum, Unset, File)):
        ok = isinstance(value, hint)
    else:
        return []  # a form these models do not use: nothing to hold it to
    return [] if ok else [f"{where}: {value!r:.80} is not {getattr(hint, '__name__', hint)}"]


def model_problems(model: Any, where: str | None = None) -> list[str]:
    """Every member of a parsed model (recursively) whose value is not of its declared type, and every
    member the document does not declare."""
    cls = type(model)
    where = where or cls.__name__
    found: list[str] = []
    hints = field_types(cls)
    for member in attrs.fields(cls):
        if member.name == "additional_properties":
            continue
        found += problems(getattr(model, member.name), hints[member.name], f"{where}.{member.name}")
    extra = getattr(model, "additional_properties", {})
    if extra and not open_object(cls):
        found.append(f"{where}: members the document does not declare: {sorted(extra)}")
    return found
