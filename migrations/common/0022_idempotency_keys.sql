-- Idempotency keys of REST creates (service::idempotency): one row per credential scope
-- (`key 12`, `user 3`) and key, holding the digest of the request it was first used for and,
-- once that request succeeded, the answer to replay (status, headers as a JSON array of
-- [name, value], body in base64). A row stays `pending` while its request runs. Times are Unix
-- seconds. Same text for both backends.
CREATE TABLE ik_idempotency_keys (
    ik_scope TEXT NOT NULL,
    ik_key TEXT NOT NULL,
    ik_fingerprint TEXT NOT NULL,
    ik_state TEXT NOT NULL,
    ik_started BIGINT NOT NULL,
    ik_expires BIGINT NOT NULL,
    ik_status BIGINT,
    ik_headers TEXT,
    ik_body TEXT,
    PRIMARY KEY (ik_scope, ik_key)
);
CREATE INDEX ik_idempotency_keys_expires ON ik_idempotency_keys (ik_expires);
