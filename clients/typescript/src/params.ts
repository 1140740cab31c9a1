// Parameter shapes shared by the families. Built member by member because the compiler runs with
// exactOptionalPropertyTypes: an optional parameter is left out, never sent as `undefined`.
import { code } from "./client.js";

export const tenantPath = { code } as const;
export const item = (id: number): { code: string; id: number } => ({ code, id });

export function page(limit: number, cursor?: string): { limit: number; cursor?: string } {
    return cursor === undefined ? { limit } : { limit, cursor };
}

export function ifNoneMatch(etag?: string): { "If-None-Match"?: string } {
    return etag === undefined ? {} : { "If-None-Match": etag };
}

export const ifMatch = (etag: string): { "If-Match": string } => ({ "If-Match": etag });
export const idempotent = (key: string): { "Idempotency-Key": string } => ({ "Idempotency-Key": key });
