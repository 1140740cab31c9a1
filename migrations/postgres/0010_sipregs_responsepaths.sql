-- Outbound SIP registrations of providers (admin). The secret is kept for the PBX and never shown.
CREATE TABLE sr_sipregs (
    sr_id BIGSERIAL PRIMARY KEY,
    sr_pr_id TEXT NOT NULL DEFAULT '',
    sr_username TEXT NOT NULL DEFAULT '',
    sr_secret TEXT NOT NULL DEFAULT '',
    sr_host TEXT NOT NULL DEFAULT '',
    sr_port TEXT NOT NULL DEFAULT '',
    sr_extension TEXT NOT NULL DEFAULT '',
    sr_created_at TEXT NOT NULL DEFAULT ''
);

-- Response path definitions: what a RESPONSEPATH-<id> destination records (results: reporting issue).
CREATE TABLE rp_responsepaths (
    rh_id BIGSERIAL PRIMARY KEY,
    rh_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    rh_name TEXT NOT NULL DEFAULT '',
    rh_description TEXT NOT NULL DEFAULT '',
    rh_created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (rh_te_id, rh_name)
);
