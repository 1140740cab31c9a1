-- The audit log: one row per write through either door (service::audit), written in the write's
-- own transaction, so a write and its entry are stored together or not at all. Tenants and
-- objects are kept by value (code, id as text) and not as foreign keys: the history of a deleted
-- object or tenant stays readable until the retention period (PBXGW_AUDIT_RETENTION_DAYS) ends.
-- Before/after are JSON objects of the row's columns with every credential blanked.
CREATE TABLE au_audit (
    au_id INTEGER PRIMARY KEY AUTOINCREMENT,
    au_at TEXT NOT NULL,
    -- key | user | system (the command line, imports, first start)
    au_actor_kind TEXT NOT NULL,
    au_actor_id BIGINT NULL,
    au_te_id BIGINT NULL,
    au_tenant_code TEXT NULL,
    au_object TEXT NOT NULL,
    au_object_id TEXT NULL,
    au_action TEXT NOT NULL,
    au_before TEXT NULL,
    au_after TEXT NULL,
    -- JSON array of the columns whose value changed (credentials included, values never)
    au_changed TEXT NULL,
    -- rest | legacy | cli
    au_door TEXT NOT NULL,
    au_request_id TEXT NULL,
    au_client TEXT NULL
);
CREATE INDEX au_audit_tenant ON au_audit (au_te_id, au_id);
CREATE INDEX au_audit_at ON au_audit (au_at);
