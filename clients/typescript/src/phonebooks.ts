// Phonebooks (by name) and their entries: add, search, export as CSV, delete one, clear, delete.
import { asTenant as api, code, runId, type Schemas as S } from "./client.js";
import { empty, expect, expectEqual, header, invalid, invalidFieldMisnamed, ok, problem } from "./check.js";
import { walk } from "./crud.js";
import { idempotent, page, tenantPath } from "./params.js";

export async function phonebooks(): Promise<void> {
    const names = [1, 2, 3].map((n) => `ts-${runId}-book-${n}`);
    const created: S["Phonebook"][] = [];
    for (const name of names) {
        const answer = await api.POST("/v1/tenants/{code}/phonebooks", {
            params: { path: tenantPath, header: idempotent(`ts-${runId}-${name}`) },
            body: { name },
        });
        const book = ok(answer, 201, "create_phonebook");
        expectEqual([book.name, book.entries], [name, 0], "create_phonebook", "name, entries");
        const location = header(answer, "location", "create_phonebook");
        expect(
            location.endsWith(`/phonebooks/${name}`),
            "create_phonebook",
            `Location ending in /phonebooks/${name}`,
            location,
        );
        created.push(book);
    }
    const [book, ...others] = created;
    if (book === undefined) throw new Error("unreachable: three phonebooks were created");
    problem(
        await api.POST("/v1/tenants/{code}/phonebooks", { params: { path: tenantPath }, body: { name: book.name } }),
        409,
        "conflict",
        "create_phonebook, name taken",
    );
    invalid(
        await api.POST("/v1/tenants/{code}/phonebooks", { params: { path: tenantPath }, body: { name: "a/b" } }),
        "name",
        "create_phonebook, a slash",
    );

    const { items, pages } = await walk(
        (limit, cursor) =>
            api.GET("/v1/tenants/{code}/phonebooks", { params: { path: tenantPath, query: page(limit, cursor) } }),
        "list_phonebooks",
    );
    expect(pages >= 2, "list_phonebooks", "two pages or more with limit=2", pages);
    for (const b of created)
        expectEqual(
            items.find((i) => i.id === b.id),
            b,
            "list_phonebooks",
            b.name,
        );

    const path = { code, name: book.name };
    // Field names are stored lower case.
    const added = await api.POST("/v1/tenants/{code}/phonebooks/{name}/entries", {
        params: { path, header: idempotent(`ts-${runId}-entries`) },
        body: [
            { Name: "Alice Example", number: "0211111" },
            { name: "Bob Example", number: "0222222", company: "ts" },
            { name: "Alina Other", number: "0233333" },
        ],
    });
    const entries = ok(added, 201, "add_phonebook_entries").items;
    expectEqual(
        entries.map((e) => e.fields),
        [
            { name: "Alice Example", number: "0211111" },
            { name: "Bob Example", number: "0222222", company: "ts" },
            { name: "Alina Other", number: "0233333" },
        ],
        "add_phonebook_entries",
        "fields",
    );
    // DEFECT (reported): the refusal names `field`, not the offending member (`bad field` of item 0).
    invalidFieldMisnamed(
        await api.POST("/v1/tenants/{code}/phonebooks/{name}/entries", {
            params: { path },
            body: [{ "bad field": "x" }],
        }),
        "add_phonebook_entries, a bad field name",
    );
    expectEqual(
        ok(await api.GET("/v1/tenants/{code}/phonebooks/{name}", { params: { path } }), 200, "get_phonebook").entries,
        3,
        "get_phonebook",
        "entries",
    );

    const listed = await walk(
        (limit, cursor) =>
            api.GET("/v1/tenants/{code}/phonebooks/{name}/entries", { params: { path, query: page(limit, cursor) } }),
        "list_phonebook_entries",
    );
    expectEqual(listed.items, entries, "list_phonebook_entries", "entries");
    expect(listed.pages === 2, "list_phonebook_entries", "two pages of two", listed.pages);
    const search = await api.GET("/v1/tenants/{code}/phonebooks/{name}/entries", {
        params: { path, query: { field: "name", value: "al%" } },
    });
    expectEqual(
        ok(search, 200, "list_phonebook_entries name=al%").items.map((e) => e.fields["name"]),
        ["Alice Example", "Alina Other"],
        "list_phonebook_entries name=al%",
        "matches (case ignored)",
    );

    const csv = await api.GET("/v1/tenants/{code}/phonebooks/{name}/export", { params: { path }, parseAs: "text" });
    const text = ok(csv, 200, "export_phonebook");
    expect(
        (csv.response.headers.get("content-type") ?? "").startsWith("text/csv"),
        "export_phonebook",
        "text/csv",
        csv.response.headers.get("content-type"),
    );
    for (const value of ["Alice Example", "0222222", "Alina Other"])
        expect(text.includes(value), "export_phonebook", `a row with ${value}`, text);

    const [alice, bob] = entries;
    if (alice === undefined || bob === undefined) throw new Error("unreachable: three entries were added");
    const entry = { ...path, id: bob.id };
    empty(
        await api.DELETE("/v1/tenants/{code}/phonebooks/{name}/entries/{id}", { params: { path: entry } }),
        204,
        "delete_phonebook_entry",
    );
    problem(
        await api.DELETE("/v1/tenants/{code}/phonebooks/{name}/entries/{id}", { params: { path: entry } }),
        404,
        "not_found",
        "delete_phonebook_entry again",
    );
    const left = ok(
        await api.GET("/v1/tenants/{code}/phonebooks/{name}/entries", { params: { path } }),
        200,
        "list_phonebook_entries after delete",
    );
    expectEqual(
        left.items.map((e) => e.id).sort(),
        entries
            .filter((e) => e.id !== bob.id)
            .map((e) => e.id)
            .sort(),
        "list_phonebook_entries after delete",
        "ids",
    );

    empty(
        await api.DELETE("/v1/tenants/{code}/phonebooks/{name}/entries", { params: { path } }),
        204,
        "clear_phonebook",
    );
    expectEqual(
        ok(
            await api.GET("/v1/tenants/{code}/phonebooks/{name}", { params: { path } }),
            200,
            "get_phonebook after clear",
        ).entries,
        0,
        "get_phonebook after clear",
        "entries",
    );

    for (const b of [book, ...others]) {
        const bookPath = { code, name: b.name };
        empty(
            await api.DELETE("/v1/tenants/{code}/phonebooks/{name}", { params: { path: bookPath } }),
            204,
            "delete_phonebook",
        );
        problem(
            await api.GET("/v1/tenants/{code}/phonebooks/{name}", { params: { path: bookPath } }),
            404,
            "not_found",
            "get_phonebook after delete",
        );
    }
    problem(
        await api.DELETE("/v1/tenants/{code}/phonebooks/{name}", { params: { path } }),
        404,
        "not_found",
        "delete_phonebook again",
    );
    problem(
        await api.GET("/v1/tenants/{code}/phonebooks/{name}/entries", { params: { path } }),
        404,
        "not_found",
        "list_phonebook_entries, no such phonebook",
    );
}
