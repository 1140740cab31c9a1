-- Reporting data. The PBX writes most of it; the gateway reads it (issue: reporting and files).

-- Call detail records in the layout Asterisk's cdr_pgsql and cdr_adaptive_odbc write (standard columns,
-- `end` quoted because it is an SQL keyword; `answer` NULL for unanswered calls, as cdr_pgsql writes
-- DEFAULT for a zero time), plus the tenant and the legacy MiRTA columns, which the dialplan fills
-- through CDR variables of the same names (README: "Asterisk CDR configuration"). Times are
-- `YYYY-MM-DD HH:MM:SS` UTC text (cdr_pgsql `timezone=UTC`, cdr_adaptive_odbc `usegmtime=yes`).
-- No foreign key on te_id: a CDR the PBX writes is never refused.
CREATE TABLE cdr (
    id BIGSERIAL PRIMARY KEY,
    calldate TEXT NOT NULL DEFAULT '',
    answer TEXT NULL,
    "end" TEXT NOT NULL DEFAULT '',
    clid TEXT NOT NULL DEFAULT '',
    src TEXT NOT NULL DEFAULT '',
    dst TEXT NOT NULL DEFAULT '',
    dcontext TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    dstchannel TEXT NOT NULL DEFAULT '',
    lastapp TEXT NOT NULL DEFAULT '',
    lastdata TEXT NOT NULL DEFAULT '',
    duration BIGINT NOT NULL DEFAULT 0,
    billsec BIGINT NOT NULL DEFAULT 0,
    disposition TEXT NOT NULL DEFAULT '',
    amaflags BIGINT NOT NULL DEFAULT 0,
    accountcode TEXT NOT NULL DEFAULT '',
    uniqueid TEXT NOT NULL DEFAULT '',
    userfield TEXT NOT NULL DEFAULT '',
    linkedid TEXT NOT NULL DEFAULT '',
    peeraccount TEXT NOT NULL DEFAULT '',
    sequence BIGINT NOT NULL DEFAULT 0,
    te_id BIGINT NULL,
    realsrc TEXT NOT NULL DEFAULT '',
    firstdst TEXT NOT NULL DEFAULT '',
    lastdst TEXT NOT NULL DEFAULT '',
    wherelanded TEXT NOT NULL DEFAULT '',
    whoanswered TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT '',
    originateid TEXT NOT NULL DEFAULT '',
    prevuniqueid TEXT NOT NULL DEFAULT '',
    srccallid TEXT NOT NULL DEFAULT '',
    cc_cost TEXT NOT NULL DEFAULT '0',
    cc_country TEXT NOT NULL DEFAULT '',
    cc_network TEXT NOT NULL DEFAULT '',
    pincode TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cdr_tenant_calldate ON cdr (te_id, calldate, id);
CREATE INDEX cdr_calldate ON cdr (calldate, id);
CREATE INDEX cdr_uniqueid ON cdr (uniqueid);
CREATE INDEX cdr_originateid ON cdr (originateid);

-- One row per IVR choice (the dialplan's IVR writes it).
CREATE TABLE il_ivrlogs (
    il_id BIGSERIAL PRIMARY KEY,
    il_te_id BIGINT NOT NULL,
    il_time TEXT NOT NULL,
    il_uniqueid TEXT NOT NULL DEFAULT '',
    il_callerid TEXT NOT NULL DEFAULT '',
    il_iv_id BIGINT NOT NULL DEFAULT 0,
    il_digit TEXT NOT NULL DEFAULT '',
    il_destination TEXT NOT NULL DEFAULT ''
);
CREATE INDEX il_ivrlogs_tenant_time ON il_ivrlogs (il_te_id, il_time, il_id);

-- Steps recorded by a response path for one call (START, CALLERID, VARIABLE, QUEUE, ANSWER, HANGUP, ...),
-- in the order they happened (rr_id).
CREATE TABLE rr_responsepath_results (
    rr_id BIGSERIAL PRIMARY KEY,
    rr_te_id BIGINT NOT NULL,
    rr_rh_id BIGINT NOT NULL REFERENCES rp_responsepaths (rh_id) ON DELETE CASCADE,
    rr_uniqueid TEXT NOT NULL,
    rr_time TEXT NOT NULL DEFAULT '',
    rr_type TEXT NOT NULL,
    rr_type_id TEXT NOT NULL DEFAULT '0',
    rr_value TEXT NOT NULL DEFAULT '',
    rr_type_name TEXT NOT NULL DEFAULT '',
    rr_value_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rr_results_path ON rr_responsepath_results (rr_rh_id, rr_uniqueid, rr_id);

-- Call recordings: the audio is a file under PBXGW_RECORDINGS_DIR, re_path relative to it.
CREATE TABLE re_recordings (
    re_id BIGSERIAL PRIMARY KEY,
    re_te_id BIGINT NOT NULL,
    re_uniqueid TEXT NOT NULL,
    re_name TEXT NOT NULL DEFAULT '',
    re_date TEXT NOT NULL,
    re_format TEXT NOT NULL DEFAULT 'wav',
    re_size BIGINT NOT NULL DEFAULT 0,
    re_path TEXT NOT NULL,
    re_transcript TEXT NULL
);
CREATE INDEX re_recordings_tenant_date ON re_recordings (re_te_id, re_date, re_id);
CREATE INDEX re_recordings_uniqueid ON re_recordings (re_uniqueid);

-- Fax documents (PDF under PBXGW_FAX_DIR, fx_path relative to it) and their transmission state.
-- The idempotency key makes a retried REST send return the first fax.
CREATE TABLE fx_faxes (
    fx_id BIGSERIAL PRIMARY KEY,
    fx_te_id BIGINT NOT NULL,
    fx_direction TEXT NOT NULL DEFAULT 'OUT',
    fx_source_number TEXT NOT NULL DEFAULT '',
    fx_dest_number TEXT NOT NULL DEFAULT '',
    fx_pages BIGINT NOT NULL DEFAULT 0,
    fx_status TEXT NOT NULL DEFAULT 'QUEUED',
    fx_error TEXT NOT NULL DEFAULT '',
    fx_date TEXT NOT NULL,
    fx_path TEXT NOT NULL,
    fx_size BIGINT NOT NULL DEFAULT 0,
    fx_quality TEXT NOT NULL DEFAULT '204x196',
    fx_pagesize TEXT NOT NULL DEFAULT 'a4',
    fx_rotate TEXT NOT NULL DEFAULT '',
    fx_deleteaftersend BIGINT NOT NULL DEFAULT 0,
    fx_schedule TEXT NULL,
    fx_statusemail TEXT NOT NULL DEFAULT '',
    fx_uniqueid TEXT NOT NULL DEFAULT '',
    fx_idempotency_key TEXT NULL,
    fx_request_hash TEXT NULL,
    UNIQUE (fx_te_id, fx_idempotency_key)
);
CREATE INDEX fx_faxes_tenant_date ON fx_faxes (fx_te_id, fx_date, fx_id);

-- Output templates of INFO cdrs (CONTRACT §4): per tenant, or global (tp_te_id = 0, admin templates).
-- tp_csv_default marks the scope's CSV export template.
CREATE TABLE tp_cdrtemplates (
    tp_id BIGSERIAL PRIMARY KEY,
    tp_te_id BIGINT NOT NULL DEFAULT 0,
    tp_name TEXT NOT NULL,
    tp_body TEXT NOT NULL,
    tp_csv_default BIGINT NOT NULL DEFAULT 0,
    tp_created_at TEXT NOT NULL DEFAULT '',
    tp_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (tp_te_id, tp_name)
);
