"""One walk through create, read, list with cursor, patch, delete and their errors, driven by the generated
endpoint modules of a resource, so each resource is a few lines of data instead of a copy of the walk."""

from __future__ import annotations

import importlib
import uuid
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

from .check import call, expect, ok, op_name, problem, same_members

MISSING_ID = 987654321


@dataclass
class Resource:
    package: str  # the generated package under pbx_gateway_client.api, e.g. "disas"
    singular: str  # operation names: create_<singular>, get_, update_, delete_
    plural: str  # list_<plural>
    make: Callable[[int], Any]  # the i-th create body (a generated *Create model)
    patch: Any  # a generated *Patch model; the members it sets must come back changed
    invalid_patch: Any  # a *Patch the document refuses (422 validation_failed) ...
    invalid_field: str  # ... naming this member
    scope: dict[str, Any] = field(default_factory=dict)  # path parameters before the id (code=...)
    deletable: bool = True  # special destinations and custom destination types declare no DELETE
    count: int = 3  # objects created: with limit=2 the list has 2+ pages
    write_only: tuple[str, ...] = ()  # members sent but never returned (pin, secret)
    derived: tuple[str, ...] = ()  # members the server computes from others (a patch may change them)
    names: dict[str, str] = field(default_factory=dict)  # operation names that break the pattern

    def endpoint(self, verb: str) -> ModuleType:
        default = f"list_{self.plural}" if verb == "list" else f"{verb}_{self.singular}"
        return importlib.import_module(f"pbx_gateway_client.api.{self.package}.{self.names.get(verb, default)}")


def list_all(endpoint: ModuleType, client, *, limit: int = 2, **kwargs: Any) -> tuple[list[Any], int]:
    """Follows next_cursor to the end; returns every item and the number of pages. Fails on an item seen
    twice (by id) or on a cursor that does not move."""
    items: list[Any] = []
    seen: set[Any] = set()
    cursors: set[str] = set()
    cursor = None
    pages = 0
    while True:
        extra = {"cursor": cursor} if cursor is not None else {}
        page = ok(endpoint, client=client, limit=limit, **kwargs, **extra)
        pages += 1
        expect(len(page.items) <= limit, op_name(endpoint), f"at most {limit} items a page", len(page.items))
        for item in page.items:
            key = getattr(item, "id", None) or item.to_dict().get("name") or repr(item.to_dict())
            expect(key not in seen, op_name(endpoint), "no item twice across pages", key)
            seen.add(key)
            items.append(item)
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
        if cursor is None:
            return items, pages
        expect(cursor not in cursors, op_name(endpoint), "a new cursor on each page", cursor)
        cursors.add(cursor)


def walk(resource: Resource, client) -> list[Any]:
    """The whole walk; returns the objects left behind (those of a resource without DELETE)."""
    create, get, lister = resource.endpoint("create"), resource.endpoint("get"), resource.endpoint("list")
    update = resource.endpoint("update")
    scope = resource.scope

    # Create, the first with an Idempotency-Key: the same request again answers the same object.
    created = []
    for i in range(resource.count):
        body = resource.make(i)
        if i == 0:
            key = str(uuid.uuid4())
            first = call(create, 201, client=client, body=body, idempotency_key=key, **scope)
            expect(first.headers.get("idempotent-replayed") == "false", op_name(create),
                   "Idempotent-Replayed: false on a first answer", dict(first.headers))
            expect(first.headers.get("location", "").endswith(f"/{first.parsed.id}"), op_name(create),
                   f"a Location ending in /{first.parsed.id}", first.headers.get("location"))
            again = call(create, 201, client=client, body=body, idempotency_key=key, **scope)
            expect(again.headers.get("idempotent-replayed") == "true" and again.parsed.to_dict() == first.parsed.to_dict(),
                   op_name(create), "a replay of the first answer", (again.headers.get("idempotent-replayed"), again.parsed))
            # The same key with another request is refused.
            problem(create, 422, "idempotency_key_reused", client=client, body=resource.make(resource.count),
                    idempotency_key=key, **scope)
            obj = first.parsed
        else:
            obj = ok(create, 201, client=client, body=body, **scope)
        same_members(op_name(create), body.to_dict(), obj.to_dict(), skip=resource.write_only)
        created.append(obj)

    # Read: the same object, with an ETag that If-None-Match answers 304.
    target = created[0]
    read = call(get, 200, client=client, id=target.id, **scope)
    expect(read.parsed.to_dict() == target.to_dict(), op_name(get), "the created object", read.parsed)
    etag = read.headers.get("etag")
    expect(bool(etag), op_name(get), "an ETag header", dict(read.headers))
    unchanged = call(get, 304, client=client, id=target.id, if_none_match=etag, **scope)
    expect(unchanged.content == b"", op_name(get), "no body with 304", unchanged.content[:100])

    # List with limit=2, every page to the end: each created object is there once.
    items, pages = list_all(lister, client, **scope)
    ids = [item.id for item in items]
    expect(pages >= 2, op_name(lister), "2+ pages with limit=2", pages)
    for obj in created:
        expect(obj.id in ids, op_name(lister), f"object {obj.id} in the list", ids)

    # Merge patch with If-Match: the members sent change, the others keep their value.
    patched = call(update, 200, client=client, id=target.id, body=resource.patch, if_match=etag, **scope)
    changed = patched.parsed
    expect(patched.headers.get("etag") not in (None, etag), op_name(update), "a new ETag",
           (etag, patched.headers.get("etag")))
    same_members(op_name(update), resource.patch.to_dict(), changed.to_dict(), skip=resource.write_only)
    untouched = {k: v for k, v in target.to_dict().items()
                 if k not in resource.patch.to_dict() and k not in ("updated_at", *resource.derived)}
    same_members(op_name(update), untouched, changed.to_dict())
    expect(ok(get, client=client, id=target.id, **scope).to_dict() == changed.to_dict(), op_name(get),
           "the patched object", target.id)
    # The ETag read before the patch is stale now: a write on that version is refused.
    problem(update, 412, "precondition_failed", client=client, id=target.id, body=resource.patch, if_match=etag, **scope)
    problem(update, 422, "validation_failed", naming=resource.invalid_field, client=client, id=target.id,
            body=resource.invalid_patch, **scope)
    problem(get, 404, "not_found", client=client, id=MISSING_ID, **scope)

    if not resource.deletable:
        return created
    delete = resource.endpoint("delete")
    problem(delete, 412, "precondition_failed", client=client, id=target.id, if_match=etag, **scope)
    fresh = call(get, 200, client=client, id=target.id, **scope).headers["etag"]
    call(delete, 204, client=client, id=target.id, if_match=fresh, **scope)
    problem(get, 404, "not_found", client=client, id=target.id, **scope)
    problem(delete, 404, "not_found", client=client, id=target.id, **scope)
    for obj in created[1:]:
        call(delete, 204, client=client, id=obj.id, **scope)
    remaining = {item.id for item in list_all(lister, client, limit=500, **scope)[0]}
    expect(not remaining & {obj.id for obj in created}, op_name(lister), "no deleted object listed", remaining)
    return []
