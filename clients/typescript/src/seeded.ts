// Objects of the seeded tenant that this program only points at (queue members, destinations): the
// demo data's extensions 101 and 102. Nothing here changes them.
import { asTenant as api, type Schemas as S } from "./client.js";
import { expect, ok } from "./check.js";
import { tenantPath } from "./params.js";

async function extensionByNumber(number: string): Promise<S["Extension"]> {
    const op = `list_extensions number=${number} (demo data)`;
    const page = ok(
        await api.GET("/v1/tenants/{code}/extensions", { params: { path: tenantPath, query: { number } } }),
        200,
        op,
    );
    const [found] = page.items;
    expect(page.items.length === 1 && found !== undefined, op, "exactly one extension", page.items);
    expect(found.number === number, op, `number ${number}`, found);
    return found;
}

export interface Seeded {
    ext101: S["Extension"];
    ext102: S["Extension"];
}

export async function seeded(): Promise<Seeded> {
    return { ext101: await extensionByNumber("101"), ext102: await extensionByNumber("102") };
}
