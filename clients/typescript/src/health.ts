// Health, readiness and metrics; and the 401 every protected operation gives without a credential.
import { anonymous, asAdmin, asTenant, code } from "./client.js";
import { expect, expectEqual, ok, problem } from "./check.js";

export async function health(): Promise<void> {
    expectEqual(ok(await anonymous.GET("/health"), 200, "health"), { status: "ok" }, "health", "body");
    expectEqual(ok(await anonymous.GET("/ready"), 200, "ready"), { status: "ready" }, "ready", "body");

    const metrics = await asAdmin.GET("/metrics", { parseAs: "text" });
    const text = ok(metrics, 200, "metrics");
    expect(
        text.includes("# TYPE pbxgw_http_requests_total counter"),
        "metrics",
        "the request counter",
        text.slice(0, 300),
    );
    expect(
        (metrics.response.headers.get("content-type") ?? "").startsWith("text/plain"),
        "metrics",
        "text/plain",
        metrics.response.headers.get("content-type"),
    );
    problem(await anonymous.GET("/metrics"), 401, "invalid_api_key", "metrics without a credential");
    problem(await asTenant.GET("/metrics"), 403, "admin_required", "metrics as a tenant key");

    problem(
        await anonymous.GET("/v1/tenants/{code}/extensions", { params: { path: { code } } }),
        401,
        "invalid_api_key",
        "list_extensions without a credential",
    );
}
