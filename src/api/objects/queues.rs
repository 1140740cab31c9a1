//! `/v1/tenants/{code}/queues`: call queues of a tenant (MANAGEDB `queue`).

use crate::api::resource::rest_resource;
use crate::service::catalog::QUEUES;

rest_resource! {
    api: QueuesApi,
    rules: QUEUES,
    tag: "crate::api::ApiTags::Queues",
    scope: tenant,
    path: "/v1/tenants/:code/queues",
    item_path: "/v1/tenants/:code/queues/:id",
    operations: {
        list: "list_queues",
        create: "create_queue",
        get: "get_queue",
        update: "update_queue",
        delete: "delete_queue",
    },
    filters: {
        /// Only the queue with this exact name.
        name: String = "qu_name",
        /// Only the queue with this number.
        number: String = "qu_number",
    },
    /// A call queue.
    read Queue {
        /// Name, unique within the tenant.
        name: String = "qu_name",
        /// Number that reaches the queue (digits; empty when none), unique within the tenant.
        number: String = "qu_number",
        /// Ring strategy: `RINGALL`, `LEASTRECENT`, `FEWESTCALLS`, `RANDOM`, `RRMEMORY`, `RRORDERED`,
        /// `LINEAR` or `WRANDOM` (empty: the PBX default).
        strategy: String = "strategy",
        /// Seconds an agent is rung before the next attempt.
        timeout: Option<i64> = "timeout",
        /// Seconds to wait before ringing the agents again.
        retry: Option<i64> = "retry",
        /// Seconds an agent rests after a call.
        wrapup_time: Option<i64> = "wrapuptime",
        /// Most callers waiting (0: no limit).
        max_length: Option<i64> = "maxlen",
        /// Priority against other queues sharing agents.
        weight: Option<i64> = "weight",
        /// Service level target, in seconds.
        service_level: Option<i64> = "servicelevel",
        /// Music-on-hold class callers hear.
        music_on_hold: String = "musiconhold",
        /// Whether callers may join with no agent available (Asterisk `joinempty` value).
        join_empty: String = "joinempty",
        /// When waiting callers are removed for lack of agents (Asterisk `leavewhenempty` value).
        leave_when_empty: String = "leavewhenempty",
        /// Whether agents already on a call are rung (Asterisk `ringinuse`: `yes`/`no`).
        ring_in_use: String = "ringinuse",
        /// Seconds between position announcements.
        announce_frequency: Option<i64> = "announce_frequency",
        /// Creation time.
        created_at: Option<chrono::DateTime<chrono::Utc>> = "qu_created_at",
        /// Last change.
        updated_at: Option<chrono::DateTime<chrono::Utc>> = "qu_updated_at",
    }
    /// A queue to create (`name` required) or change (only the members sent change).
    write QueueCreate / QueuePatch {
        /// Name, unique within the tenant; never empty.
        name: String = "qu_name",
        /// Number (digits).
        number: String = "qu_number",
        /// Ring strategy: `RINGALL`, `LEASTRECENT`, `FEWESTCALLS`, `RANDOM`, `RRMEMORY`, `RRORDERED`,
        /// `LINEAR` or `WRANDOM` (any case).
        strategy: String = "strategy",
        /// Seconds an agent is rung before the next attempt.
        timeout: i64 = "timeout",
        /// Seconds to wait before ringing the agents again.
        retry: i64 = "retry",
        /// Seconds an agent rests after a call.
        wrapup_time: i64 = "wrapuptime",
        /// Most callers waiting (0: no limit).
        max_length: i64 = "maxlen",
        /// Priority against other queues sharing agents.
        weight: i64 = "weight",
        /// Service level target, in seconds.
        service_level: i64 = "servicelevel",
        /// Music-on-hold class callers hear.
        music_on_hold: String = "musiconhold",
        /// Asterisk `joinempty` value.
        join_empty: String = "joinempty",
        /// Asterisk `leavewhenempty` value.
        leave_when_empty: String = "leavewhenempty",
        /// Asterisk `ringinuse` value (`yes`/`no`).
        ring_in_use: String = "ringinuse",
        /// Seconds between position announcements.
        announce_frequency: i64 = "announce_frequency",
    }
    /// A page of queues.
    page QueuePage
}
