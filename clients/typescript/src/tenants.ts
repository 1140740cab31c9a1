// Tenants (admin): create, read with ETag, list with cursor, merge patch with If-Match, a tenant that
// still owns an extension cannot go, delete. The seeded tenant is only read.
import { asAdmin as admin, asTenant, code as seededCode, runId, type Schemas as S } from "./client.js";
import { echoes, empty, expect, expectEqual, header, invalid, keeps, ok, problem } from "./check.js";
import { walk } from "./crud.js";
import { idempotent, ifMatch, ifNoneMatch, page } from "./params.js";

const get = (code: string, etag?: string) =>
    admin.GET("/v1/tenants/{code}", { params: { path: { code }, header: ifNoneMatch(etag) } });

export async function tenants(): Promise<void> {
    const bodies: S["TenantCreate"][] = [
        { code: `TS${runId}A`, name: "ts tenant A", billing_code: "ts-bill", parking_start: 700, parking_end: 720 },
        { code: `TS${runId}B`, name: "ts tenant B", disabled: true, recording_host: "rec.example.com" },
    ];
    const created: S["Tenant"][] = [];
    for (const body of bodies) {
        const answer = await admin.POST("/v1/tenants", {
            params: { header: idempotent(`ts-${runId}-tenant-${body.code}`) },
            body,
        });
        const tenant = ok(answer, 201, "create_tenant");
        echoes(body, tenant, "create_tenant");
        const location = header(answer, "location", "create_tenant");
        expect(location.endsWith(`/${body.code}`), "create_tenant", `Location ending in /${body.code}`, location);
        created.push(tenant);
    }
    const [a, b] = created;
    if (a === undefined || b === undefined) throw new Error("unreachable: two tenants were created");
    problem(
        await admin.POST("/v1/tenants", { body: { code: a.code, name: "duplicate" } }),
        409,
        "conflict",
        "create_tenant, code taken",
    );
    invalid(
        await admin.POST("/v1/tenants", { body: { code: "no spaces", name: "ts bad" } }),
        "code",
        "create_tenant, bad code",
    );
    problem(
        await asTenant.POST("/v1/tenants", { body: { code: `TS${runId}C`, name: "ts" } }),
        403,
        "admin_required",
        "create_tenant as a tenant key",
    );

    const read = await get(a.code);
    expectEqual(ok(read, 200, "get_tenant"), a, "get_tenant", "tenant as created");
    const etag = header(read, "etag", "get_tenant");
    const unchanged = await get(a.code, etag);
    empty(unchanged, 304, "get_tenant, If-None-Match current");
    expectEqual(header(unchanged, "etag", "get_tenant, 304"), etag, "get_tenant, 304", "ETag");
    expectEqual(ok(await get(seededCode), 200, "get_tenant (seeded)").code, seededCode, "get_tenant (seeded)", "code");
    problem(await get(`TS${runId}Z`), 404, "tenant_not_found", "get_tenant, no such tenant");

    const { items, pages } = await walk(
        (limit, cursor) => admin.GET("/v1/tenants", { params: { query: page(limit, cursor) } }),
        "list_tenants",
    );
    expect(pages >= 2, "list_tenants", "two pages or more with limit=2", pages);
    for (const tenant of [...created])
        expectEqual(
            items.find((t) => t.id === tenant.id),
            tenant,
            "list_tenants",
            tenant.code,
        );
    expect(
        items.some((t) => t.code === seededCode),
        "list_tenants",
        `the seeded tenant ${seededCode}`,
        items.map((t) => t.code),
    );
    const filtered = ok(
        await admin.GET("/v1/tenants", { params: { query: { code: b.code } } }),
        200,
        "list_tenants code=",
    );
    expectEqual(filtered.items, [b], "list_tenants code=", "items");

    const change: S["TenantPatch"] = { name: "ts tenant A renamed", parking_start: null, parking_end: null };
    const patched = ok(
        await admin.PATCH("/v1/tenants/{code}", {
            params: { path: { code: a.code }, header: ifMatch(etag) },
            body: change,
        }),
        200,
        "update_tenant",
    );
    echoes(change, patched, "update_tenant");
    keeps(a, patched, change, "update_tenant");
    problem(
        await admin.PATCH("/v1/tenants/{code}", {
            params: { path: { code: a.code }, header: ifMatch(etag) },
            body: change,
        }),
        412,
        "precondition_failed",
        "update_tenant, If-Match stale",
    );
    invalid(
        await admin.PATCH("/v1/tenants/{code}", { params: { path: { code: a.code } }, body: { name: "" } }),
        "name",
        "update_tenant, empty name",
    );

    // A tenant that owns an extension is not deleted.
    const ext = ok(
        await admin.POST("/v1/tenants/{code}/extensions", {
            params: { path: { code: a.code } },
            body: { number: "100", name: "ts" },
        }),
        201,
        "create_extension (admin, other tenant)",
    );
    problem(
        await admin.DELETE("/v1/tenants/{code}", { params: { path: { code: a.code } } }),
        409,
        "tenant_not_empty",
        "delete_tenant, owns an extension",
    );
    const extGone = await admin.DELETE("/v1/tenants/{code}/extensions/{id}", {
        params: { path: { code: a.code, id: ext.id } },
    });
    expectEqual(extGone.response.status, 204, "delete_extension (admin, other tenant)", "status");

    problem(
        await admin.DELETE("/v1/tenants/{code}", { params: { path: { code: a.code }, header: ifMatch(etag) } }),
        412,
        "precondition_failed",
        "delete_tenant, If-Match stale",
    );
    for (const tenant of created) {
        const current = header(await get(tenant.code), "etag", "get_tenant before delete");
        const gone = await admin.DELETE("/v1/tenants/{code}", {
            params: { path: { code: tenant.code }, header: ifMatch(current) },
        });
        empty(gone, 204, "delete_tenant");
        problem(await get(tenant.code), 404, "tenant_not_found", "get_tenant after delete");
    }
}
