// The tenant's provisioned objects that follow the common CRUD shape, as crud.ts families. Numbers sit in
// 73xxx ranges that neither the demo data nor the Python program use; names start with `ts-`.
import { asAdmin as admin, asTenant as api, runId, type Schemas as S } from "./client.js";
import type { Family } from "./crud.js";
import { idempotent, ifMatch, ifNoneMatch, item, page, tenantPath } from "./params.js";

// A MAC unique to this run (phones cannot be deleted, so each run adds new ones).
const macBase = Date.now().toString(16).slice(-8).padStart(8, "0");
// Upper case: the stored (and answered) form.
const mac = (n: number): string => `0004${macBase.slice(0, 6)}${n.toString(16).padStart(2, "0")}`.toUpperCase();

export const extensions: Family<S["Extension"], S["ExtensionCreate"], S["ExtensionPatch"]> = {
    label: "extensions",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/extensions", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/extensions/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/extensions", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/extensions/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/extensions/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [
        { number: "73011", name: "ts-ext-1", tech: "PJSIP", secret: "ts-secret-0001", caller_id_name: "TS One" },
        { number: "73012", name: "ts-ext-2", tech: "SIP", email: "ts2@example.com", call_group: "1" },
        { number: "73013", name: "ts-ext-3", web_password: "ts-web-pass-3", disabled: true },
    ],
    change: { name: "ts-ext-1-renamed", description: "patched by the TypeScript client", caller_id_name: null },
    refused: { body: { number: "73a14", name: "ts-ext-bad" }, field: "number" },
    writeOnly: ["secret", "web_password"],
};

export const queues: Family<S["Queue"], S["QueueCreate"], S["QueuePatch"]> = {
    label: "queues",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/queues", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/queues/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/queues", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/queues/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/queues/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [
        { name: "ts-queue-1", number: "73021", strategy: "RINGALL", timeout: 15 },
        { name: "ts-queue-2", number: "73022", strategy: "LINEAR", max_length: 5 },
        { name: "ts-queue-3", wrapup_time: 3, music_on_hold: "default" },
    ],
    change: { name: "ts-queue-1-renamed", number: null, timeout: null, weight: 2 },
    refused: { body: { name: "ts-queue-bad", number: "7x" }, field: "number" },
};

export const voicemailBoxes: Family<S["VoicemailBox"], S["VoicemailBoxCreate"], S["VoicemailBoxPatch"]> = {
    label: "voicemail-boxes",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/voicemail-boxes", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/voicemail-boxes/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/voicemail-boxes", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/voicemail-boxes/{id}", {
            params: { path: item(id), header: ifMatch(etag) },
            body,
        }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/voicemail-boxes/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [
        { mailbox: "73011", password: "1234", full_name: "TS Box 1", email: "ts-vm1@example.com", attach: true },
        { mailbox: "73012", full_name: "TS Box 2", max_messages: 50 },
        { mailbox: "73013", full_name: "TS Box 3", say_caller_id: false },
    ],
    change: { full_name: "TS Box 1 renamed", attach: null, max_messages: 20 },
    refused: { body: { mailbox: "73-14" }, field: "mailbox" },
    writeOnly: ["password", "imap_password"],
};

export const dids: Family<S["Did"], S["DidCreate"], S["DidPatch"]> = {
    label: "dids",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/dids", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/dids/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/dids", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/dids/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/dids/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [
        { number: "7305550001", country: "39", area: "02", comment: "ts did 1", max_channels: 2 },
        { number: "7305550002", recording: true },
        { number: "7305550003", fax: true, fax_email: "ts-fax@example.com" },
    ],
    change: { comment: "patched by the TypeScript client", max_channels: null },
    refused: { body: { number: "73-0555" }, field: "number" },
};

export const ivrs: Family<S["Ivr"], S["IvrCreate"], S["IvrPatch"]> = {
    label: "ivrs",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/ivrs", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/ivrs/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/ivrs", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/ivrs/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/ivrs/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [{ name: "ts-ivr-1", timeout: 5 }, { name: "ts-ivr-2" }, { name: "ts-ivr-3", timeout: 10 }],
    change: { name: "ts-ivr-1-renamed", timeout: null },
    refused: { body: { name: "" }, field: "name" },
};

export const conditions: Family<S["Condition"], S["ConditionCreate"], S["ConditionPatch"]> = {
    label: "conditions",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/conditions", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/conditions/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/conditions", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/conditions/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/conditions/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [
        { name: "ts-cond-1", type: "WEEKTIME" },
        { name: "ts-cond-2", type: "CALENDAR" },
        { name: "ts-cond-3", type: "WEEKTIME" },
    ],
    change: { name: "ts-cond-1-renamed" },
    refused: { body: { name: "", type: "WEEKTIME" }, field: "name" },
};

export const huntlists: Family<S["Huntlist"], S["HuntlistCreate"], S["HuntlistPatch"]> = {
    label: "huntlists",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/huntlists", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/huntlists/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/huntlists", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/huntlists/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/huntlists/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [{ name: "ts-hunt-1", ring_time: 20 }, { name: "ts-hunt-2" }, { name: "ts-hunt-3", ring_time: 5 }],
    change: { name: "ts-hunt-1-renamed", ring_time: null },
    refused: { body: { name: "" }, field: "name" },
};

export const flows: Family<S["Flow"], S["FlowCreate"], S["FlowPatch"]> = {
    label: "flows",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/flows", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/flows/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/flows", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/flows/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/flows/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [
        { name: "ts-flow-1", number: "73041", value: "day", state: "NOT_INUSE" },
        { name: "ts-flow-2", number: "73042", comment: "second" },
        { name: "ts-flow-3", number: "73043", variable_name: "TSFLOW" },
    ],
    change: { comment: "patched by the TypeScript client", value: "night" },
    refused: { body: { name: "ts-flow-bad", number: "7a" }, field: "number" },
};

export const conferences: Family<S["Conference"], S["ConferenceCreate"], S["ConferencePatch"]> = {
    label: "conferences",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/conferences", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/conferences/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/conferences", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/conferences/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/conferences/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [
        { number: "73031", name: "ts-conf-1", pin: "1111" },
        { number: "73032", name: "ts-conf-2", admin_pin: "2222" },
        { number: "73033" },
    ],
    change: { name: "ts-conf-1-renamed", pin: null },
    refused: { body: { number: "73b" }, field: "number" },
    writeOnly: ["pin", "admin_pin"],
};

export const mediaFiles: Family<S["MediaFile"], S["MediaFileCreate"], S["MediaFilePatch"]> = {
    label: "media-files",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/media-files", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/media-files/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/media-files", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/media-files/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/media-files/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [{ name: "ts-media-1" }, { name: "ts-media-2" }, { name: "ts-media-3" }],
    change: { name: "ts-media-1-renamed" },
    refused: { body: { name: "" }, field: "name" },
};

export const musicOnHold: Family<S["MusicOnHold"], S["MusicOnHoldCreate"], S["MusicOnHoldPatch"]> = {
    label: "music-on-hold",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/music-on-hold", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/music-on-hold/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/music-on-hold", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/music-on-hold/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/music-on-hold/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [{ name: "ts-moh-1", mode: "files" }, { name: "ts-moh-2", mode: "mp3" }, { name: "ts-moh-3" }],
    change: { name: "ts-moh-1-renamed", mode: "quietmp3" },
    refused: { body: { name: "" }, field: "name" },
};

export const phonePhonebooks: Family<S["PhonePhonebook"], S["PhonePhonebookCreate"], S["PhonePhonebookPatch"]> = {
    label: "phone-phonebooks",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/phone-phonebooks", {
            params: { path: tenantPath, header: idempotent(key) },
            body,
        }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/phone-phonebooks/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/phone-phonebooks", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/phone-phonebooks/{id}", {
            params: { path: item(id), header: ifMatch(etag) },
            body,
        }),
    remove: (id, etag) =>
        api.DELETE("/v1/tenants/{code}/phone-phonebooks/{id}", { params: { path: item(id), header: ifMatch(etag) } }),
    bodies: [{ name: "ts-ppb-1" }, { name: "ts-ppb-2" }, { name: "ts-ppb-3" }],
    change: { name: "ts-ppb-1-renamed" },
    refused: { body: { name: "" }, field: "name" },
};

// No DELETE in the API: the phones stay, under run-unique MACs.
export const phones: Family<S["Phone"], S["PhoneCreate"], S["PhonePatch"]> = {
    label: "phones",
    create: (body, key) =>
        api.POST("/v1/tenants/{code}/phones", { params: { path: tenantPath, header: idempotent(key) }, body }),
    get: (id, etag) =>
        api.GET("/v1/tenants/{code}/phones/{id}", { params: { path: item(id), header: ifNoneMatch(etag) } }),
    list: (limit, cursor) =>
        api.GET("/v1/tenants/{code}/phones", { params: { path: tenantPath, query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        api.PATCH("/v1/tenants/{code}/phones/{id}", { params: { path: item(id), header: ifMatch(etag) }, body }),
    bodies: [
        { name: `ts-phone-${runId}-1`, mac: mac(1) },
        { name: `ts-phone-${runId}-2`, mac: mac(2) },
        { mac: mac(3) },
    ],
    change: { name: `ts-phone-${runId}-1-renamed` },
    refused: { body: { name: "ts-phone-bad", mac: "" }, field: "mac" },
};

export const userGroups: Family<S["UserGroup"], S["UserGroupCreate"], S["UserGroupPatch"]> = {
    label: "user-groups",
    create: (body, key) => admin.POST("/v1/user-groups", { params: { header: idempotent(key) }, body }),
    get: (id, etag) => admin.GET("/v1/user-groups/{id}", { params: { path: { id }, header: ifNoneMatch(etag) } }),
    list: (limit, cursor) => admin.GET("/v1/user-groups", { params: { query: page(limit, cursor) } }),
    patch: (id, body, etag) =>
        admin.PATCH("/v1/user-groups/{id}", { params: { path: { id }, header: ifMatch(etag) }, body }),
    remove: (id, etag) => admin.DELETE("/v1/user-groups/{id}", { params: { path: { id }, header: ifMatch(etag) } }),
    bodies: [{ name: `ts-group-${runId}-1` }, { name: `ts-group-${runId}-2` }, { name: `ts-group-${runId}-3` }],
    change: { name: `ts-group-${runId}-1-renamed` },
    refused: { body: { name: "" }, field: "name" },
};
