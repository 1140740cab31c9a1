// Expectations. Each failure names the operation, what was expected and what came back; the first one
// ends the run (main.ts prints it and exits 1).
import type { Schemas } from "./client.js";

export type Problem = Schemas["Problem"];

// What every openapi-fetch call answers, narrowed to what the checks read.
export interface Answer<T> {
    data?: T;
    error?: Problem | string | undefined;
    response: Response;
}

export class ExpectationFailed extends Error {}

let checks = 0;
export const checkCount = (): number => checks;

export function fail(op: string, expected: string, got: unknown): never {
    throw new ExpectationFailed(`${op}: expected ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}

export function expect(condition: boolean, op: string, expected: string, got: unknown): asserts condition {
    checks++;
    if (!condition) fail(op, expected, got);
}

export function expectEqual<T>(got: T, want: T, op: string, what: string): void {
    expect(sameValue(got, want), op, `${what} = ${describe(want)}`, got);
}

export function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, v]) => [k, canonical(v)]),
        );
    }
    return value;
}

function statusLine<T>(answer: Answer<T>): string {
    return `${answer.response.status} ${describe(answer.error ?? answer.data ?? "")}`;
}

// The answer has this status and a typed body; returns the body.
export function ok<T>(answer: Answer<T>, status: number, op: string): T {
    expect(answer.response.status === status, op, `status ${status}`, statusLine(answer));
    const data = answer.data;
    expect(data !== undefined, op, "a body", statusLine(answer));
    return data;
}

// The answer has this status and no body (204, 304).
export function empty<T>(answer: Answer<T>, status: number, op: string): void {
    expect(answer.response.status === status, op, `status ${status}`, statusLine(answer));
}

// The answer is an `application/problem+json` Problem with this status and stable code.
export function problem<T>(answer: Answer<T>, status: number, code: string, op: string): Problem {
    expect(answer.response.status === status, op, `status ${status} (${code})`, statusLine(answer));
    const error = answer.error;
    expect(typeof error === "object", op, "a Problem body", error);
    expectEqual(error.code, code, op, "problem code");
    expectEqual(error.status, status, op, "problem status");
    const contentType = answer.response.headers.get("content-type") ?? "";
    expect(contentType.startsWith("application/problem+json"), op, "application/problem+json", contentType);
    return error;
}

// 422 validation_failed whose `errors` list names this field (and `field` repeats the first).
export function invalid<T>(answer: Answer<T>, field: string, op: string): Problem {
    const p = problem(answer, 422, "validation_failed", op);
    const fields = (p.errors ?? []).map((e) => e.field);
    expect(fields.includes(field), op, `errors naming ${field}`, p.errors);
    expectEqual(p.field, fields[0], op, "problem field (the first of errors)");
    return p;
}

export function header<T>(answer: Answer<T>, name: string, op: string): string {
    const value = answer.response.headers.get(name);
    expect(value !== null && value !== "", op, `a ${name} header`, Object.fromEntries(answer.response.headers));
    return value;
}

// Every member sent is echoed back as sent, except write-only ones; a `null` sent (merge patch) empties
// the member, which reads back as null, "" or absent.
export function echoes(sent: object, got: object, op: string, writeOnly: readonly string[] = []): void {
    const answer = new Map(Object.entries(got));
    for (const [member, value] of Object.entries(sent)) {
        if (writeOnly.includes(member)) {
            expect(!answer.has(member), op, `write-only ${member} left out of the answer`, got);
            continue;
        }
        const back: unknown = answer.get(member);
        if (value === null) {
            expect(back === null || back === "" || back === undefined, op, `${member} emptied`, back);
        } else {
            expectEqual(back, value, op, member);
        }
    }
}

// Merge patch: the members left out of the patch keep their value (`updated_at` moves on).
export function keeps(before: object, after: object, patch: object, op: string): void {
    const changed = new Set([...Object.keys(patch), "updated_at"]);
    const now = new Map(Object.entries(after));
    for (const [member, value] of Object.entries(before)) {
        if (!changed.has(member)) expectEqual(now.get(member), value, op, `${member} (not in the patch)`);
    }
}

// 422 validation_failed where the server names a field that is not the body member the document gives
// (a reported defect, named at each call): the status, code and a non-empty `errors` are checked, the
// field name is not.
export function invalidFieldMisnamed<T>(answer: Answer<T>, op: string): Problem {
    const p = problem(answer, 422, "validation_failed", op);
    expect((p.errors ?? []).length > 0, op, "a non-empty errors list", p);
    return p;
}
