-- Calls placed through the gateway (DIAL, POST /calls). The originate id is what DIAL answers and
-- what the dialplan writes to the CDR's originateid; a REST originate carries an idempotency key
-- so a retried request never places a second call.
CREATE TABLE lo_originates (
    lo_id INTEGER PRIMARY KEY AUTOINCREMENT,
    lo_te_id BIGINT NOT NULL,
    lo_originate_id TEXT NOT NULL UNIQUE,
    lo_node TEXT NOT NULL,
    lo_source TEXT NOT NULL,
    lo_dest TEXT NOT NULL,
    -- SENDING (reserved, action in flight), QUEUED (accepted by Asterisk), UNKNOWN (no answer in
    -- time: it may have been placed, so a retry must not place it again).
    lo_status TEXT NOT NULL DEFAULT 'SENDING',
    lo_created_at TEXT NOT NULL,
    lo_idempotency_key TEXT NULL,
    lo_request_hash TEXT NULL,
    UNIQUE (lo_te_id, lo_idempotency_key)
);
CREATE INDEX lo_originates_tenant ON lo_originates (lo_te_id, lo_created_at);
