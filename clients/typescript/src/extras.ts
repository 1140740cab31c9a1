// Sub-resources of the CRUD families, run on objects this program created (crud.ts `alive` hook):
// do-not-disturb, queue members, destination lists, condition schedules, flow state, media audio.
import { asTenant as api, code, type Schemas as S } from "./client.js";
import { expect, expectEqual, invalid, keeps, ok, problem } from "./check.js";
import type { Seeded } from "./seeded.js";

function first<T>(objects: T[], op: string): T {
    const [one] = objects;
    expect(one !== undefined, op, "a created object", objects);
    return one;
}

export async function dnd(extensions: S["Extension"][]): Promise<void> {
    const { number } = first(extensions, "dnd");
    const path = { code, number };
    expectEqual(
        ok(await api.GET("/v1/tenants/{code}/dnd/{number}", { params: { path } }), 200, "get_dnd"),
        { number, dnd: false },
        "get_dnd",
        "state",
    );
    for (const dnd of [true, false]) {
        const put = await api.PUT("/v1/tenants/{code}/dnd/{number}", { params: { path }, body: { dnd } });
        expectEqual(ok(put, 200, "put_dnd"), { number, dnd }, "put_dnd", "state");
        const read = await api.GET("/v1/tenants/{code}/dnd/{number}", { params: { path } });
        expectEqual(ok(read, 200, "get_dnd after put"), { number, dnd }, "get_dnd after put", "state");
    }
    const unknown = { code, number: "73999" };
    problem(
        await api.GET("/v1/tenants/{code}/dnd/{number}", { params: { path: unknown } }),
        404,
        "not_found",
        "get_dnd, no such extension",
    );
    problem(
        await api.PUT("/v1/tenants/{code}/dnd/{number}", { params: { path: unknown }, body: { dnd: true } }),
        404,
        "not_found",
        "put_dnd, no such extension",
    );
}

export function queueMembers(seed: Seeded) {
    return async (queues: S["Queue"][]): Promise<void> => {
        const queue = first(queues, "queue members");
        const member = { code, id: queue.id, extension_id: seed.ext101.id };
        const stranger = { code, id: queue.id, extension_id: seed.ext102.id };
        const list = async (op: string): Promise<S["QueueMember"][]> =>
            ok(
                await api.GET("/v1/tenants/{code}/queues/{id}/members", { params: { path: { code, id: queue.id } } }),
                200,
                op,
            ).items;
        expectEqual(await list("list_queue_members (new queue)"), [], "list_queue_members (new queue)", "members");

        const added = ok(
            await api.PUT("/v1/tenants/{code}/queues/{id}/members/{extension_id}", {
                params: { path: member },
                body: { penalty: 2, type: "NF" },
            }),
            201,
            "put_queue_member (add)",
        );
        expectEqual(
            [added.extension_id, added.number, added.penalty, added.paused, added.type],
            [seed.ext101.id, seed.ext101.number, 2, false, "NF"],
            "put_queue_member (add)",
            "extension_id, number, penalty, paused, type",
        );
        const changed = ok(
            await api.PUT("/v1/tenants/{code}/queues/{id}/members/{extension_id}", {
                params: { path: member },
                body: { penalty: 5 },
            }),
            200,
            "put_queue_member (change)",
        );
        expectEqual(changed, { ...added, penalty: 5 }, "put_queue_member (change)", "member");
        expectEqual(await list("list_queue_members"), [changed], "list_queue_members", "members");

        const paused = await api.PUT("/v1/tenants/{code}/queues/{id}/members/{extension_id}/pause", {
            params: { path: member },
            body: { paused: true, reason: "ts-lunch" },
        });
        expectEqual(
            ok(paused, 200, "pause_queue_member"),
            { paused: true, reason: "ts-lunch" },
            "pause_queue_member",
            "answer",
        );
        expectEqual(
            await list("list_queue_members after pause"),
            [{ ...changed, paused: true }],
            "list_queue_members after pause",
            "members",
        );
        problem(
            await api.PUT("/v1/tenants/{code}/queues/{id}/members/{extension_id}/pause", {
                params: { path: stranger },
                body: { paused: true },
            }),
            404,
            "not_found",
            "pause_queue_member, not a member",
        );
        invalid(
            await api.PUT("/v1/tenants/{code}/queues/{id}/members/{extension_id}", {
                params: { path: member },
                body: { penalty: -1 },
            }),
            "penalty",
            "put_queue_member, negative penalty",
        );

        const removed = await api.DELETE("/v1/tenants/{code}/queues/{id}/members/{extension_id}", {
            params: { path: member },
        });
        expectEqual(removed.response.status, 204, "delete_queue_member", "status");
        expectEqual(await list("list_queue_members after delete"), [], "list_queue_members after delete", "members");
        problem(
            await api.DELETE("/v1/tenants/{code}/queues/{id}/members/{extension_id}", { params: { path: member } }),
            404,
            "not_found",
            "delete_queue_member again",
        );
    };
}

// An unknown destination is refused 422, naming the body member `destinations`.
const refusedDestination = <T>(answer: Parameters<typeof invalid<T>>[0], op: string) => invalid(answer, "destinations", op);

export function didDestinations(seed: Seeded) {
    return async (dids: S["Did"][]): Promise<void> => {
        const path = { code, id: first(dids, "did destinations").id };
        const get = async (op: string) =>
            ok(await api.GET("/v1/tenants/{code}/dids/{id}/destinations", { params: { path } }), 200, op);
        expectEqual(
            await get("get_did_destinations (new DID)"),
            { destinations: [] },
            "get_did_destinations (new DID)",
            "list",
        );
        // Tags are case-insensitive on input and upper case on output.
        const sent = [`ext-${seed.ext101.id}`, `EXT-${seed.ext102.id}`];
        const want = { destinations: [`EXT-${seed.ext101.id}`, `EXT-${seed.ext102.id}`] };
        const put = await api.PUT("/v1/tenants/{code}/dids/{id}/destinations", {
            params: { path },
            body: { destinations: sent },
        });
        expectEqual(ok(put, 200, "put_did_destinations"), want, "put_did_destinations", "list");
        expectEqual(await get("get_did_destinations"), want, "get_did_destinations", "list");
        refusedDestination(
            await api.PUT("/v1/tenants/{code}/dids/{id}/destinations", {
                params: { path },
                body: { destinations: ["EXT-99999999"] },
            }),
            "put_did_destinations, unknown extension",
        );
        expectEqual(
            await get("get_did_destinations after refusal"),
            want,
            "get_did_destinations after refusal",
            "list (all or nothing)",
        );
    };
}

const ivrListNames = [
    "IVR",
    ...Array.from({ length: 10 }, (_, i) => `IVR_${i}`),
    "IVR_HASH",
    "IVR_INVALID",
    "IVR_STAR",
    "IVR_TIMEOUT",
];

export function ivrLists(seed: Seeded) {
    return async (ivrs: S["Ivr"][]): Promise<void> => {
        const id = first(ivrs, "ivr destinations").id;
        const all = async (op: string) =>
            ok(await api.GET("/v1/tenants/{code}/ivrs/{id}/destinations", { params: { path: { code, id } } }), 200, op)
                .lists;
        const fresh = await all("get_ivr_destinations (new IVR)");
        expectEqual(Object.keys(fresh).sort(), [...ivrListNames].sort(), "get_ivr_destinations", "list names");
        expect(
            Object.values(fresh).every((list) => list.length === 0),
            "get_ivr_destinations",
            "every list empty",
            fresh,
        );

        const path = { code, id, typesrc: "IVR_1" as const };
        const want = { destinations: [`EXT-${seed.ext101.id}`, `IVR-${id}`] };
        const put = await api.PUT("/v1/tenants/{code}/ivrs/{id}/destinations/{typesrc}", {
            params: { path },
            body: want,
        });
        expectEqual(ok(put, 200, "put_ivr_list"), want, "put_ivr_list", "list");
        const one = await api.GET("/v1/tenants/{code}/ivrs/{id}/destinations/{typesrc}", { params: { path } });
        expectEqual(ok(one, 200, "get_ivr_list"), want, "get_ivr_list", "list");
        expectEqual(
            (await all("get_ivr_destinations after put")).IVR_1,
            want.destinations,
            "get_ivr_destinations after put",
            "IVR_1",
        );

        // A list name outside the enum does not type-check: the typed client cannot send one.
        refusedDestination(
            await api.PUT("/v1/tenants/{code}/ivrs/{id}/destinations/{typesrc}", {
                params: { path },
                body: { destinations: ["NOPE-1"] },
            }),
            "put_ivr_list, unknown tag",
        );
    };
}

export function conditionLists(seed: Seeded) {
    return async (conditions: S["Condition"][]): Promise<void> => {
        const weektime = conditions.find((c) => c.type === "WEEKTIME");
        const calendar = conditions.find((c) => c.type === "CALENDAR");
        expect(
            weektime !== undefined && calendar !== undefined,
            "conditions",
            "a WEEKTIME and a CALENDAR condition",
            conditions,
        );
        const path = { code, id: weektime.id };

        for (const branch of [true, false]) {
            const op = `get_condition_destinations branch=${branch}`;
            const query = { branch };
            const read = await api.GET("/v1/tenants/{code}/conditions/{id}/destinations", { params: { path, query } });
            expectEqual(ok(read, 200, `${op} (new condition)`), { destinations: [] }, op, "list");
            const want = {
                destinations: branch
                    ? [`EXT-${seed.ext101.id}`]
                    : [`EXT-${seed.ext102.id}`, `CONDITION-${calendar.id}`],
            };
            const put = await api.PUT("/v1/tenants/{code}/conditions/{id}/destinations", {
                params: { path, query },
                body: want,
            });
            expectEqual(
                ok(put, 200, `put_condition_destinations branch=${branch}`),
                want,
                `put_condition_destinations branch=${branch}`,
                "list",
            );
            const again = await api.GET("/v1/tenants/{code}/conditions/{id}/destinations", { params: { path, query } });
            expectEqual(ok(again, 200, op), want, op, "list");
        }
        refusedDestination(
            await api.PUT("/v1/tenants/{code}/conditions/{id}/destinations", {
                params: { path, query: { branch: true } },
                body: { destinations: ["EXT-99999999"] },
            }),
            "put_condition_destinations, unknown extension",
        );

        const schedule = async (id: number, op: string) =>
            ok(
                await api.GET("/v1/tenants/{code}/conditions/{id}/schedule", { params: { path: { code, id } } }),
                200,
                op,
            );
        expectEqual(
            await schedule(weektime.id, "get_condition_schedule (new)"),
            { entries: [] },
            "get_condition_schedule",
            "entries",
        );
        const week: S["Schedule"] = {
            entries: [
                { param1: "1", param2: "09:00", param3: "17:00" },
                { param1: "6", param2: "10:00", param3: "12:30" },
            ],
        };
        const put = await api.PUT("/v1/tenants/{code}/conditions/{id}/schedule", { params: { path }, body: week });
        expectEqual(
            ok(put, 200, "put_condition_schedule (WEEKTIME)"),
            week,
            "put_condition_schedule (WEEKTIME)",
            "schedule",
        );
        expectEqual(await schedule(weektime.id, "get_condition_schedule"), week, "get_condition_schedule", "schedule");
        invalid(
            await api.PUT("/v1/tenants/{code}/conditions/{id}/schedule", {
                params: { path },
                body: { entries: [{ param1: "2", param2: "25:00", param3: "26:00" }] },
            }),
            "param2",
            "put_condition_schedule, 25:00",
        );
        expectEqual(
            await schedule(weektime.id, "get_condition_schedule after refusal"),
            week,
            "get_condition_schedule after refusal",
            "schedule (all or nothing)",
        );

        const days: S["Schedule"] = { entries: [{ param1: "2026-12-25", param2: "", param3: "" }] };
        const putDays = await api.PUT("/v1/tenants/{code}/conditions/{id}/schedule", {
            params: { path: { code, id: calendar.id } },
            body: days,
        });
        expectEqual(
            ok(putDays, 200, "put_condition_schedule (CALENDAR)"),
            days,
            "put_condition_schedule (CALENDAR)",
            "schedule",
        );
    };
}

export function huntlistMembers(seed: Seeded) {
    return async (huntlists: S["Huntlist"][]): Promise<void> => {
        const path = { code, id: first(huntlists, "huntlist extensions").id };
        const get = async (op: string) =>
            ok(await api.GET("/v1/tenants/{code}/huntlists/{id}/extensions", { params: { path } }), 200, op);
        expectEqual(
            await get("get_huntlist_extensions (new)"),
            { destinations: [] },
            "get_huntlist_extensions (new)",
            "members",
        );
        const want = { destinations: [`EXT-${seed.ext102.id}`, `EXT-${seed.ext101.id}`] };
        const put = await api.PUT("/v1/tenants/{code}/huntlists/{id}/extensions", { params: { path }, body: want });
        expectEqual(ok(put, 200, "put_huntlist_extensions"), want, "put_huntlist_extensions", "members in ring order");
        expectEqual(await get("get_huntlist_extensions"), want, "get_huntlist_extensions", "members in ring order");
        refusedDestination(
            await api.PUT("/v1/tenants/{code}/huntlists/{id}/extensions", {
                params: { path },
                body: { destinations: ["101"] },
            }),
            "put_huntlist_extensions, not a TAG-ID",
        );
    };
}

export async function flowState(flows: S["Flow"][]): Promise<void> {
    const flow = first(flows, "flow state");
    const path = { code, id: flow.id };
    const set = await api.PUT("/v1/tenants/{code}/flows/{id}/state", {
        params: { path },
        body: { state: "INUSE", value: "ts-busy" },
    });
    const changed = ok(set, 200, "set_flow_state");
    expectEqual([changed.state, changed.value], ["INUSE", "ts-busy"], "set_flow_state", "state, value");
    expect(
        typeof changed.state_changed_at === "string",
        "set_flow_state",
        "state_changed_at set",
        changed.state_changed_at,
    );
    keeps(flow, changed, { state: 0, value: 0, state_changed_at: 0 }, "set_flow_state");
    const read = await api.GET("/v1/tenants/{code}/flows/{id}", { params: { path } });
    expectEqual(ok(read, 200, "get_flow after set_flow_state"), changed, "get_flow after set_flow_state", "flow");
    // A state outside the enum does not type-check; a change naming neither a state nor a value is refused.
    invalid(
        await api.PUT("/v1/tenants/{code}/flows/{id}/state", { params: { path }, body: {} }),
        "state",
        "set_flow_state, neither state nor value",
    );
}

// A valid WAV: 16-bit mono PCM at 8 kHz, a tenth of a second of a 440 Hz tone.
function wav(): Uint8Array {
    const samples = 800;
    const bytes = new Uint8Array(44 + samples * 2);
    const view = new DataView(bytes.buffer);
    const text = (at: number, s: string): void => [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
    text(0, "RIFF");
    view.setUint32(4, 36 + samples * 2, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, 8000, true);
    view.setUint32(28, 16000, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, "data");
    view.setUint32(40, samples * 2, true);
    for (let i = 0; i < samples; i++)
        view.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), true);
    return bytes;
}

// openapi-typescript types a `format: binary` body as `string`: the audio travels as a binary string
// (one char per byte) and the body serializer turns it back into those bytes.
const binaryString = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");
const asBytes = (body: string): Uint8Array => Buffer.from(body, "latin1");

export async function mediaAudio(files: S["MediaFile"][]): Promise<void> {
    const path = { code, id: first(files, "media audio").id };
    const audio = wav();
    const upload = await api.PUT("/v1/tenants/{code}/media-files/{id}/audio", {
        params: { path },
        body: binaryString(audio),
        bodySerializer: asBytes,
        headers: { "Content-Type": "audio/wav" },
    });
    expectEqual(
        ok(upload, 200, "put_media_audio"),
        { format: "wav", size: audio.length },
        "put_media_audio",
        "stored audio",
    );

    const download = await api.GET("/v1/tenants/{code}/media-files/{id}/audio", {
        params: { path },
        parseAs: "arrayBuffer",
    });
    const got = new Uint8Array(ok(download, 200, "get_media_audio"));
    expectEqual(download.response.headers.get("content-type"), "audio/wav", "get_media_audio", "content type");
    expect(
        Buffer.from(got).equals(Buffer.from(audio)),
        "get_media_audio",
        `the ${audio.length} bytes uploaded`,
        `${got.length} other bytes`,
    );

    const file = ok(
        await api.GET("/v1/tenants/{code}/media-files/{id}", { params: { path } }),
        200,
        "get_media_file after upload",
    );
    expectEqual([file.format, file.size], ["wav", audio.length], "get_media_file after upload", "format, size");
    invalid(
        await api.PUT("/v1/tenants/{code}/media-files/{id}/audio", {
            params: { path },
            body: "not audio at all",
            bodySerializer: asBytes,
            headers: { "Content-Type": "audio/wav" },
        }),
        "body",
        "put_media_audio, not audio",
    );
}
