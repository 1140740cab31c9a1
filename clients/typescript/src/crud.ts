// One resource family end to end, the same way for every `rest_resource!` object (extensions, queues,
// DIDs, ...): create (with an Idempotency-Key, replayed once), read (ETag, 304), list with cursor,
// merge patch with If-Match (and a stale one: 412), a body the service refuses (422 naming the field),
// delete with a stale and a current If-Match, then 404 not_found.
//
// Each family supplies its calls as small functions written against the generated client with literal
// paths, so openapi-fetch checks path, parameters and bodies against the spec at each call; this module
// only sees the typed results.
import { runId } from "./client.js";
import { type Answer, echoes, empty, expect, expectEqual, header, invalid, keeps, ok, problem } from "./check.js";

export interface Page<T> {
    items: T[];
    next_cursor?: string | null;
}

export interface Family<Obj extends { id: number }, Create extends object, Patch extends object> {
    label: string;
    create(body: Create, idempotencyKey: string): Promise<Answer<Obj>>;
    get(id: number, ifNoneMatch?: string): Promise<Answer<Obj>>;
    list(limit: number, cursor?: string): Promise<Answer<Page<Obj>>>;
    patch(id: number, body: Patch, ifMatch: string): Promise<Answer<Obj>>;
    // Absent where the API has no delete (phones): what this run creates stays, under run-unique names.
    remove?(id: number, ifMatch: string): Promise<Answer<unknown>>;
    // Three, so a list with limit=2 takes at least two pages.
    bodies: readonly [Create, Create, Create];
    change: Patch;
    // A body of the right types that the service refuses, and the member it must name.
    refused: { body: Create; field: string };
    writeOnly?: readonly string[];
    // The family's own sub-resources (members, destination lists, audio...), run on the created objects
    // (the first one patched) before they are deleted.
    alive?: (objects: Obj[]) => Promise<void>;
}

// Follows `next_cursor` from the first page to the last; every object once.
export async function walk<T extends { id: number }>(
    list: (limit: number, cursor?: string) => Promise<Answer<Page<T>>>,
    op: string,
    limit = 2,
): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    const seen = new Set<number>();
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
        const page = ok(await list(limit, cursor), 200, `${op} (page ${pages + 1})`);
        pages++;
        expect(page.items.length <= limit, op, `at most ${limit} items a page`, page.items.length);
        for (const item of page.items) {
            expect(!seen.has(item.id), op, `id ${item.id} once across pages`, page.items);
            seen.add(item.id);
            items.push(item);
        }
        if (page.next_cursor === null || page.next_cursor === undefined) break;
        expect(page.items.length === limit, op, "a full page before a next_cursor", page.items.length);
        cursor = page.next_cursor;
        expect(pages < 1000, op, "the last page within 1000 pages", pages);
    }
    return { items, pages };
}

export async function exercise<Obj extends { id: number }, Create extends object, Patch extends object>(
    f: Family<Obj, Create, Patch>,
): Promise<Obj[]> {
    const op = (step: string): string => `${f.label}: ${step}`;
    const created: Obj[] = [];
    const keys: string[] = [];
    for (const [i, body] of f.bodies.entries()) {
        const key = `ts-${runId}-${f.label}-${i}`;
        const answer = await f.create(body, key);
        const obj = ok(answer, 201, op("create"));
        echoes(body, obj, op("create"), f.writeOnly);
        const location = header(answer, "location", op("create"));
        expect(location.endsWith(`/${obj.id}`), op("create"), `Location ending in /${obj.id}`, location);
        created.push(obj);
        keys.push(key);
    }
    const [first, second] = f.bodies;
    const [one] = created;
    if (one === undefined) throw new Error("unreachable: three bodies were created");

    // The same key and body answer the first result again; the key with another body is refused.
    const replay = await f.create(first, keys[0] ?? "");
    expectEqual(ok(replay, 201, op("create replayed")), one, op("create replayed"), "the first answer");
    expectEqual(
        header(replay, "idempotent-replayed", op("create replayed")),
        "true",
        op("create replayed"),
        "Idempotent-Replayed",
    );
    problem(await f.create(second, keys[0] ?? ""), 422, "idempotency_key_reused", op("create, key reused"));

    const etags = new Map<number, string>();
    for (const obj of created) {
        const read = await f.get(obj.id);
        expectEqual(ok(read, 200, op("get")), obj, op("get"), "the object as created");
        etags.set(obj.id, header(read, "etag", op("get")));
    }
    const etag = etags.get(one.id) ?? "";
    const unchanged = await f.get(one.id, etag);
    empty(unchanged, 304, op("get, If-None-Match current"));
    expectEqual(header(unchanged, "etag", op("get, 304")), etag, op("get, 304"), "ETag");

    const { items, pages } = await walk(f.list, op("list"));
    expect(pages >= 2, op("list"), "two pages or more with limit=2", pages);
    for (const obj of created) {
        const listed = items.find((item) => item.id === obj.id);
        expectEqual(listed, obj, op("list"), `item ${obj.id}`);
    }

    const patched = ok(await f.patch(one.id, f.change, etag), 200, op("patch, If-Match current"));
    echoes(f.change, patched, op("patch"), f.writeOnly);
    keeps(one, patched, f.change, op("patch"));
    const reread = await f.get(one.id);
    expectEqual(ok(reread, 200, op("get after patch")), patched, op("get after patch"), "the patched object");
    const newEtag = header(reread, "etag", op("get after patch"));
    expect(newEtag !== etag, op("get after patch"), "a new ETag", newEtag);
    problem(await f.patch(one.id, f.change, etag), 412, "precondition_failed", op("patch, If-Match stale"));

    if (f.alive !== undefined) {
        await f.alive(created.map((obj) => (obj.id === one.id ? patched : obj)));
    }

    invalid(await f.create(f.refused.body, `ts-${runId}-${f.label}-refused`), f.refused.field, op("create refused"));

    if (f.remove !== undefined) {
        problem(await f.remove(one.id, etag), 412, "precondition_failed", op("delete, If-Match stale"));
        for (const obj of created) {
            // Read again: the sub-resources may have changed the version.
            etags.set(obj.id, header(await f.get(obj.id), "etag", op("get before delete")));
            empty(await f.remove(obj.id, etags.get(obj.id) ?? ""), 204, op("delete"));
            problem(await f.get(obj.id), 404, "not_found", op("get after delete"));
        }
        problem(await f.remove(one.id, etags.get(one.id) ?? ""), 404, "not_found", op("delete again"));
    }
    return created;
}
