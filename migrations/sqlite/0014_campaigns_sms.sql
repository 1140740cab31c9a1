-- Numbers a campaign dials. NEW numbers wait for the dialer; DIALING have an originate in flight
-- (cn_originate_id); ANSWERED/FAILED record the OriginateResponse; DONE is set by nobody yet and kept
-- for the legacy status set. Deleting a campaign deletes its numbers.
CREATE TABLE cn_campaign_numbers (
    cn_id INTEGER PRIMARY KEY AUTOINCREMENT,
    cn_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    cn_ca_id BIGINT NOT NULL REFERENCES ca_campaigns (ca_id) ON DELETE CASCADE,
    cn_number TEXT NOT NULL,
    cn_description TEXT NOT NULL DEFAULT '',
    cn_status TEXT NOT NULL DEFAULT 'NEW',
    cn_attempts BIGINT NOT NULL DEFAULT 0,
    cn_last_attempt_at TEXT NULL,
    cn_originate_id TEXT NULL,
    UNIQUE (cn_ca_id, cn_number)
);
CREATE INDEX cn_campaign_numbers_status ON cn_campaign_numbers (cn_ca_id, cn_status);
CREATE INDEX cn_campaign_numbers_originate ON cn_campaign_numbers (cn_originate_id);

-- Text messages sent (OUT) through the gateway; IN is reserved for received messages.
CREATE TABLE sm_sms (
    sm_id INTEGER PRIMARY KEY AUTOINCREMENT,
    sm_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    sm_date TEXT NOT NULL,
    sm_direction TEXT NOT NULL DEFAULT 'OUT',
    sm_source TEXT NOT NULL,
    sm_dest TEXT NOT NULL,
    sm_message TEXT NOT NULL,
    sm_status TEXT NOT NULL,
    sm_error TEXT NOT NULL DEFAULT '',
    sm_node TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sm_sms_tenant_date ON sm_sms (sm_te_id, sm_date);
