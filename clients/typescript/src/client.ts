// The generated client (openapi-fetch over the types openapi-typescript made from api-spec/openapi.yaml),
// one instance per credential, each recording every exchange for the coverage check.
import { appendFileSync } from "node:fs";
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

export type Schemas = components["schemas"];
export type Api = Client<paths>;

function required(name: string): string {
    const value = process.env[name];
    if (value === undefined || value === "") {
        throw new Error(`environment variable ${name} is not set`);
    }
    return value;
}

export const env = {
    baseUrl: required("PBXGW_BASE_URL"),
    adminKey: required("PBXGW_ADMIN_KEY"),
    tenant: required("PBXGW_TENANT"),
    tenantKey: required("PBXGW_TENANT_KEY"),
    calledOut: required("PBXGW_CALLED_OUT"),
};

// One line per exchange, `METHOD /path STATUS` (no query string): client-coverage.py maps each line to the
// spec operation and checks the status is one the operation declares.
const recorder: Middleware = {
    onResponse({ request, response }) {
        const path = new URL(request.url).pathname;
        appendFileSync(env.calledOut, `${request.method} ${path} ${response.status}\n`);
    },
};

export function client(headers: Record<string, string>): Api {
    const api = createClient<paths>({ baseUrl: env.baseUrl, headers });
    api.use(recorder);
    return api;
}

export const asTenant = client({ "X-API-Key": env.tenantKey });
export const asAdmin = client({ "X-API-Key": env.adminKey });
export const anonymous = client({});
export const withBearer = (token: string): Api => client({ Authorization: `Bearer ${token}` });

// Distinct per run, so names and keys of one run never meet those of an earlier run on the same server.
export const runId = Date.now().toString(36).slice(-6);
export const code = env.tenant;
