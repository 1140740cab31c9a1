// Voicemail messages of the demo data (read, play, mark read and back: left as found) and SMS.
import { asTenant as api, code, type Schemas as S } from "./client.js";
import { expect, expectEqual, keeps, ok, problem } from "./check.js";
import { walk } from "./crud.js";
import { idempotent, page, tenantPath } from "./params.js";

async function boxWithMessages(): Promise<{ id: number; messages: S["VoicemailMessage"][] }> {
    const { items } = await walk(
        (limit, cursor) =>
            api.GET("/v1/tenants/{code}/voicemail-boxes", { params: { path: tenantPath, query: page(limit, cursor) } }),
        "list_voicemail_boxes",
        50,
    );
    for (const box of items) {
        const path = { code, id: box.id };
        const list = ok(
            await api.GET("/v1/tenants/{code}/voicemail-boxes/{id}/messages", { params: { path } }),
            200,
            "list_voicemail_messages",
        );
        if (list.items.length > 0) return { id: box.id, messages: list.items };
    }
    return expectFound();
}

function expectFound(): never {
    expect(false, "list_voicemail_messages", "a demo mailbox with messages", "none");
    throw new Error("unreachable");
}

export async function voicemailMessages(): Promise<void> {
    const { id, messages } = await boxWithMessages();
    const [message] = messages;
    expect(message !== undefined, "list_voicemail_messages", "a message", messages);
    const box = { code, id };

    const folder = message.folder;
    const inFolder = await api.GET("/v1/tenants/{code}/voicemail-boxes/{id}/messages", {
        params: { path: box, query: { folder } },
    });
    const folderItems = ok(inFolder, 200, `list_voicemail_messages folder=${folder}`).items;
    expect(
        folderItems.every((m) => m.folder === folder),
        `list_voicemail_messages folder=${folder}`,
        `only ${folder}`,
        folderItems,
    );
    expect(
        folderItems.some((m) => m.msg_id === message.msg_id),
        `list_voicemail_messages folder=${folder}`,
        message.msg_id,
        folderItems,
    );

    const path = { ...box, msg_id: message.msg_id };
    expectEqual(
        ok(
            await api.GET("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}", { params: { path } }),
            200,
            "get_voicemail_message",
        ),
        message,
        "get_voicemail_message",
        "message as listed",
    );

    const whole = await api.GET("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}/audio", {
        params: { path },
        parseAs: "arrayBuffer",
    });
    const audio = new Uint8Array(ok(whole, 200, "get_voicemail_message_audio"));
    expectEqual(message.audio_format, "wav", "list_voicemail_messages", "audio_format of a demo message");
    expectEqual(whole.response.headers.get("content-type"), "audio/wav", "get_voicemail_message_audio", "content type");
    expectEqual(new TextDecoder().decode(audio.slice(0, 4)), "RIFF", "get_voicemail_message_audio", "a WAV");
    const range = await api.GET("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}/audio", {
        params: { path, header: { Range: "bytes=4-11" } },
        parseAs: "arrayBuffer",
    });
    const part = new Uint8Array(ok(range, 206, "get_voicemail_message_audio Range"));
    expectEqual([...part], [...audio.slice(4, 12)], "get_voicemail_message_audio Range", "bytes 4-11");
    expectEqual(
        range.response.headers.get("content-range"),
        `bytes 4-11/${audio.length}`,
        "get_voicemail_message_audio Range",
        "Content-Range",
    );

    // Read moves it to Old, unread to INBOX; flipped and flipped back, the demo data ends as it was.
    for (const read of [!message.read, message.read]) {
        const op = `update_voicemail_message read=${read}`;
        const changed = ok(
            await api.PATCH("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}", {
                params: { path },
                body: { read },
            }),
            200,
            op,
        );
        const folder = read ? "Old" : "INBOX";
        expectEqual([changed.read, changed.folder], [read, folder], op, "read, folder");
        // `number` is the message's place in its folder, so it moves with it.
        keeps(message, changed, { read, folder, number: 0 }, op);
    }
    const after = ok(
        await api.GET("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}", { params: { path } }),
        200,
        "get_voicemail_message after",
    );
    keeps(message, after, { number: 0 }, "get_voicemail_message after read and unread");

    // No operation creates a message, and the demo data's must stay: deleting is checked on a missing one.
    const missing = { ...box, msg_id: "1700000000-ts000000" };
    problem(
        await api.DELETE("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}", {
            params: { path: missing },
        }),
        404,
        "not_found",
        "delete_voicemail_message, no such message",
    );
    problem(
        await api.GET("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}", { params: { path: missing } }),
        404,
        "not_found",
        "get_voicemail_message, no such message",
    );
    problem(
        await api.PATCH("/v1/tenants/{code}/voicemail-boxes/{id}/messages/{msg_id}", {
            params: { path: missing },
            body: { read: true },
        }),
        404,
        "not_found",
        "update_voicemail_message, no such message",
    );
}

// Without a PBX node an SMS cannot go out: 503 pbx_unavailable, as the operation documents.
export async function sms(from: string, to: string): Promise<void> {
    problem(
        await api.POST("/v1/tenants/{code}/sms", {
            params: { path: tenantPath, header: idempotent(`ts-sms-${Date.now()}`) },
            body: { source: from, dest: to, message: "ts hello" },
        }),
        503,
        "pbx_unavailable",
        "send_sms without a PBX node",
    );
    const list = await api.GET("/v1/tenants/{code}/sms", {
        params: { path: tenantPath, query: { from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", limit: 10 } },
    });
    const items = ok(list, 200, "list_sms").items;
    const ours = items.filter((m) => m.source === from && m.dest === to && m.message === "ts hello");
    expect(
        ours.every((m) => m.status === "FAILED"),
        "list_sms",
        "the refused SMS not listed as sent (absent or FAILED)",
        ours,
    );
    problem(
        await api.GET("/v1/tenants/{code}/sms", {
            params: { path: tenantPath, query: { limit: 10, cursor: "not-a-cursor" } },
        }),
        422,
        "invalid_cursor",
        "list_sms, a cursor this API did not issue",
    );
}
