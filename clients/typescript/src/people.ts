// Users (admin), logging in as one, user-group membership, and the tenant's API keys.
import { anonymous, asAdmin as admin, asTenant, client, code, runId, withBearer, type Schemas as S } from "./client.js";
import { echoes, empty, expect, expectEqual, header, invalid, keeps, ok, problem } from "./check.js";
import { walk } from "./crud.js";
import { idempotent, page, tenantPath } from "./params.js";

const password = (n: number): string => `ts-pass-${runId}-${n}`;
const getUser = (id: number) => admin.GET("/v1/users/{id}", { params: { path: { id } } });

// Creates three users (operator of the seeded tenant, viewer, admin), checks them, and returns them; the
// caller deletes them with deleteUsers once the groups are done.
export async function users(): Promise<S["User"][]> {
    const bodies: S["UserCreate"][] = [
        { username: `ts-${runId}-operator`, password: password(1), role: "operator", tenants: [code] },
        { username: `ts-${runId}-viewer`, password: password(2), role: "viewer", tenants: [code], profile_id: "7" },
        { username: `ts-${runId}-admin`, password: password(3), role: "admin" },
    ];
    const created: S["User"][] = [];
    for (const [i, body] of bodies.entries()) {
        const answer = await admin.POST("/v1/users", { params: { header: idempotent(`ts-${runId}-user-${i}`) }, body });
        const user = ok(answer, 201, "create_user");
        echoes(body, user, "create_user", ["password"]);
        const location = header(answer, "location", "create_user");
        expect(
            location.endsWith(`/v1/users/${user.id}`),
            "create_user",
            `Location ending in /v1/users/${user.id}`,
            location,
        );
        created.push(user);
    }
    const [operator, viewer] = created;
    if (operator === undefined || viewer === undefined) throw new Error("unreachable: three users were created");
    problem(
        await admin.POST("/v1/users", { body: { username: operator.username, password: password(9) } }),
        409,
        "conflict",
        "create_user, username taken",
    );
    invalid(
        await admin.POST("/v1/users", { body: { username: `ts-${runId}-short`, password: "short" } }),
        "password",
        "create_user, short password",
    );
    problem(await asTenant.GET("/v1/users"), 403, "admin_required", "list_users as a tenant key");

    for (const user of created)
        expectEqual(ok(await getUser(user.id), 200, "get_user"), user, "get_user", "user as created");
    const { items, pages } = await walk(
        (limit, cursor) => admin.GET("/v1/users", { params: { query: page(limit, cursor) } }),
        "list_users",
    );
    expect(pages >= 2, "list_users", "two pages or more with limit=2", pages);
    for (const user of created)
        expectEqual(
            items.find((u) => u.id === user.id),
            user,
            "list_users",
            user.username,
        );
    const byName = ok(
        await admin.GET("/v1/users", { params: { query: { username: viewer.username } } }),
        200,
        "list_users username=",
    );
    expectEqual(byName.items, [viewer], "list_users username=", "items");

    // profile_id takes digits only (the document does not say so: reported).
    const change: S["UserPatch"] = { profile_id: "8", password: password(4) };
    const patched = ok(
        await admin.PATCH("/v1/users/{id}", { params: { path: { id: operator.id } }, body: change }),
        200,
        "update_user",
    );
    echoes(change, patched, "update_user", ["password"]);
    keeps(operator, patched, change, "update_user");
    expectEqual(ok(await getUser(operator.id), 200, "get_user after patch"), patched, "get_user after patch", "user");
    invalid(
        await admin.PATCH("/v1/users/{id}", { params: { path: { id: operator.id } }, body: { username: "" } }),
        "username",
        "update_user, empty username",
    );

    await login(patched, password(4), password(1), viewer, password(2));
    return created.map((user) => (user.id === operator.id ? patched : user));
}

// Logging in exchanges the password for a bearer token that works as that user would.
async function login(
    operator: S["User"],
    current: string,
    old: string,
    viewer: S["User"],
    viewerPassword: string,
): Promise<void> {
    const answer = await anonymous.POST("/v1/auth/login", { body: { username: operator.username, password: current } });
    const token = ok(answer, 200, "login");
    expectEqual(token.token_type, "Bearer", "login", "token_type");
    expect(token.access_token.length > 20 && token.expires_in > 0, "login", "a token and its lifetime", token);
    problem(
        await anonymous.POST("/v1/auth/login", { body: { username: operator.username, password: old } }),
        401,
        "invalid_credentials",
        "login, the password before the patch",
    );
    // DEFECT (reported), so not called: LoginRequest.username has minLength 1 and the body is said to be
    // checked against the document first, but {"username": "", "password": "x"} answers 401
    // invalid_credentials, not 422 validation_failed naming `username`.

    const asOperator = withBearer(token.access_token);
    const extensions = await asOperator.GET("/v1/tenants/{code}/extensions", {
        params: { path: tenantPath, query: { limit: 1 } },
    });
    expectEqual(
        ok(extensions, 200, "list_extensions as the logged-in operator").items.length,
        1,
        "list_extensions as operator",
        "items",
    );
    problem(await asOperator.GET("/v1/users"), 403, "admin_required", "list_users as an operator");

    const viewerToken = ok(
        await anonymous.POST("/v1/auth/login", { body: { username: viewer.username, password: viewerPassword } }),
        200,
        "login (viewer)",
    );
    problem(
        await withBearer(viewerToken.access_token).POST("/v1/tenants/{code}/conferences", {
            params: { path: tenantPath },
            body: { number: "73039" },
        }),
        403,
        "read_only_api_key",
        "create_conference as a viewer",
    );
}

export async function deleteUsers(created: S["User"][]): Promise<void> {
    for (const user of created) {
        empty(await admin.DELETE("/v1/users/{id}", { params: { path: { id: user.id } } }), 204, "delete_user");
        problem(await getUser(user.id), 404, "not_found", "get_user after delete");
    }
    const [one] = created;
    if (one !== undefined) {
        problem(
            await admin.DELETE("/v1/users/{id}", { params: { path: { id: one.id } } }),
            404,
            "not_found",
            "delete_user again",
        );
    }
}

// The group's tenants and users, on a group of the user-groups family (crud.ts `alive` hook).
export function groupMembers(people: S["User"][]) {
    return async (groups: S["UserGroup"][]): Promise<void> => {
        const [group] = groups;
        const [user] = people;
        expect(group !== undefined && user !== undefined, "user group members", "a group and a user", { groups });
        const members = async (op: string) =>
            ok(await admin.GET("/v1/user-groups/{id}/members", { params: { path: { id: group.id } } }), 200, op);
        expectEqual(
            await members("get_user_group_members (new)"),
            { tenants: [], users: [] },
            "get_user_group_members (new)",
            "members",
        );

        const withTenant = await admin.PUT("/v1/user-groups/{id}/tenants/{code}", {
            params: { path: { id: group.id, code } },
        });
        expectEqual(
            ok(withTenant, 200, "add_user_group_tenant"),
            { tenants: [code], users: [] },
            "add_user_group_tenant",
            "members",
        );
        problem(
            await admin.PUT("/v1/user-groups/{id}/tenants/{code}", {
                params: { path: { id: group.id, code: `TS${runId}Z` } },
            }),
            404,
            "tenant_not_found",
            "add_user_group_tenant, no such tenant",
        );
        const userPath = { id: group.id, user_id: user.id };
        const withUser = await admin.PUT("/v1/user-groups/{id}/users/{user_id}", {
            params: { path: userPath },
            body: { inherit: true },
        });
        const both = { tenants: [code], users: [{ id: user.id, username: user.username, inherit: true }] };
        expectEqual(ok(withUser, 200, "add_user_group_user"), both, "add_user_group_user", "members");
        const notInherit = await admin.PUT("/v1/user-groups/{id}/users/{user_id}", {
            params: { path: userPath },
            body: { inherit: false },
        });
        const changed = { tenants: [code], users: [{ id: user.id, username: user.username, inherit: false }] };
        expectEqual(
            ok(notInherit, 200, "add_user_group_user (inherit false)"),
            changed,
            "add_user_group_user (inherit false)",
            "members",
        );
        expectEqual(await members("get_user_group_members"), changed, "get_user_group_members", "members");

        empty(
            await admin.DELETE("/v1/user-groups/{id}/users/{user_id}", { params: { path: userPath } }),
            204,
            "remove_user_group_user",
        );
        problem(
            await admin.DELETE("/v1/user-groups/{id}/users/{user_id}", { params: { path: userPath } }),
            404,
            "not_found",
            "remove_user_group_user again",
        );
        empty(
            await admin.DELETE("/v1/user-groups/{id}/tenants/{code}", { params: { path: { id: group.id, code } } }),
            204,
            "remove_user_group_tenant",
        );
        expectEqual(
            await members("get_user_group_members after removals"),
            { tenants: [], users: [] },
            "get_user_group_members",
            "members",
        );
    };
}

// The tenant's keys: issue two (one read-only), read, list with cursor, revoke both. The key this
// program was given is only listed.
export async function apiKeys(): Promise<void> {
    const keysPath = tenantPath;
    const bodies: S["ApiKeyCreate"][] = [
        { name: `ts-${runId}-read-only`, read_only: true },
        { name: `ts-${runId}-loopback`, allowed_addresses: ["127.0.0.1/32", "::1/128"] },
    ];
    const issued: S["IssuedApiKey"][] = [];
    for (const [i, body] of bodies.entries()) {
        const answer = await asTenant.POST("/v1/tenants/{code}/api-keys", {
            params: { path: keysPath, header: idempotent(`ts-${runId}-key-${i}`) },
            body,
        });
        const key = ok(answer, 201, "create_api_key");
        echoes(body, key, "create_api_key");
        expect(
            key.key.startsWith(key.prefix) && key.revoked_at === null,
            "create_api_key",
            "a live key starting with its prefix",
            key,
        );
        const location = header(answer, "location", "create_api_key");
        expect(
            location.endsWith(`/api-keys/${key.id}`),
            "create_api_key",
            `Location ending in /api-keys/${key.id}`,
            location,
        );
        issued.push(key);
    }
    const [readOnly, loopback] = issued;
    if (readOnly === undefined || loopback === undefined) throw new Error("unreachable: two keys were issued");
    invalid(
        await asTenant.POST("/v1/tenants/{code}/api-keys", {
            params: { path: keysPath },
            body: { name: "ts-bad", allowed_addresses: ["not an address"] },
        }),
        "allowed_addresses",
        "create_api_key, bad address",
    );

    const metadata = ({ key: _secret, ...rest }: S["IssuedApiKey"]): S["ApiKey"] => rest;
    for (const key of issued) {
        const read = await asTenant.GET("/v1/tenants/{code}/api-keys/{id}", { params: { path: { code, id: key.id } } });
        expectEqual(ok(read, 200, "get_api_key"), metadata(key), "get_api_key", "metadata (no key)");
    }
    const { items, pages } = await walk(
        (limit, cursor) =>
            asTenant.GET("/v1/tenants/{code}/api-keys", { params: { path: keysPath, query: page(limit, cursor) } }),
        "list_api_keys",
    );
    expect(pages >= 2, "list_api_keys", "two pages or more with limit=2", pages);
    for (const key of issued)
        expectEqual(
            items.find((k) => k.id === key.id),
            metadata(key),
            "list_api_keys",
            key.name,
        );
    expect(
        items.every((k) => !("key" in k)),
        "list_api_keys",
        "no key in the metadata",
        items,
    );

    // The read-only key reads, and is refused a write.
    const asReadOnly = client({ "X-API-Key": readOnly.key });
    ok(
        await asReadOnly.GET("/v1/tenants/{code}/api-keys", { params: { path: keysPath } }),
        200,
        "list_api_keys as the read-only key",
    );
    problem(
        await asReadOnly.POST("/v1/tenants/{code}/conferences", {
            params: { path: keysPath },
            body: { number: "73039" },
        }),
        403,
        "read_only_api_key",
        "create_conference as a read-only key",
    );

    for (const key of issued) {
        empty(
            await asTenant.DELETE("/v1/tenants/{code}/api-keys/{id}", { params: { path: { code, id: key.id } } }),
            204,
            "revoke_api_key",
        );
        const after = ok(
            await asTenant.GET("/v1/tenants/{code}/api-keys/{id}", { params: { path: { code, id: key.id } } }),
            200,
            "get_api_key after revoke",
        );
        expect(typeof after.revoked_at === "string", "get_api_key after revoke", "revoked_at set", after);
    }
    problem(
        await asReadOnly.GET("/v1/tenants/{code}/api-keys", { params: { path: keysPath } }),
        401,
        "invalid_api_key",
        "a revoked key",
    );
    problem(
        await asTenant.GET("/v1/tenants/{code}/api-keys/{id}", { params: { path: { code, id: 99999999 } } }),
        404,
        "not_found",
        "get_api_key, no such key",
    );
    problem(
        await asTenant.DELETE("/v1/tenants/{code}/api-keys/{id}", { params: { path: { code, id: 99999999 } } }),
        404,
        "not_found",
        "revoke_api_key, no such key",
    );
}
