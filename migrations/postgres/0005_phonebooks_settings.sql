-- Tenant settings (SETTING reqtype, /v1/tenants/{code}/settings). Only codes declared in
-- src/service/settings.rs are stored; a code without a row has its declared default.
CREATE TABLE ts_tenantsettings (
    ts_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    ts_code TEXT NOT NULL,
    ts_value TEXT NOT NULL,
    ts_updated_at TEXT NOT NULL,
    PRIMARY KEY (ts_te_id, ts_code)
);

-- Named phonebooks of a tenant (PHONEBOOKS / PHONEBOOK reqtypes, /v1/tenants/{code}/phonebooks).
CREATE TABLE pb_phonebooks (
    pb_id BIGSERIAL PRIMARY KEY,
    pb_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    pb_name TEXT NOT NULL,
    pb_created_at TEXT NOT NULL,
    UNIQUE (pb_te_id, pb_name)
);

-- One phonebook entry (`peid`); its values live in pf_fields.
CREATE TABLE pe_entries (
    pe_id BIGSERIAL PRIMARY KEY,
    pe_pb_id BIGINT NOT NULL REFERENCES pb_phonebooks (pb_id) ON DELETE CASCADE,
    pe_created_at TEXT NOT NULL
);
CREATE INDEX pe_entries_phonebook ON pe_entries (pe_pb_id, pe_id);

-- Field/value pairs of an entry. Field names are arbitrary and stored lower-case (legacy clients
-- send NAME, PHONE1, name, number alike); pf_pos keeps the order they were sent in; pf_folded is
-- the lower-cased value that searches compare against, identical on both backends.
CREATE TABLE pf_fields (
    pf_pe_id BIGINT NOT NULL REFERENCES pe_entries (pe_id) ON DELETE CASCADE,
    pf_name TEXT NOT NULL,
    pf_pos BIGINT NOT NULL,
    pf_value TEXT NOT NULL,
    pf_folded TEXT NOT NULL,
    PRIMARY KEY (pf_pe_id, pf_name)
);
CREATE INDEX pf_fields_search ON pf_fields (pf_name, pf_folded);

-- Virtual extensions (VIRTUALEXT reqtype): a number that rings a set of member extensions.
CREATE TABLE ve_virtualextensions (
    ve_id BIGSERIAL PRIMARY KEY,
    ve_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    ve_number TEXT NOT NULL,
    ve_created_at TEXT NOT NULL,
    UNIQUE (ve_te_id, ve_number)
);

-- Members of a virtual extension; deleting the extension or the virtual extension removes the row.
CREATE TABLE vx_virtualextension_members (
    vx_ve_id BIGINT NOT NULL REFERENCES ve_virtualextensions (ve_id) ON DELETE CASCADE,
    vx_ex_id BIGINT NOT NULL REFERENCES ex_extensions (ex_id) ON DELETE CASCADE,
    PRIMARY KEY (vx_ve_id, vx_ex_id)
);
CREATE INDEX vx_virtualextension_members_extension ON vx_virtualextension_members (vx_ex_id);
