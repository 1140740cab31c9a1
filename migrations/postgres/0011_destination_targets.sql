-- The remaining destination targets (CONTRACT §3.1), so every tag names a stored object.
CREATE TABLE da_disas (
    da_id BIGSERIAL PRIMARY KEY,
    da_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    da_name TEXT NOT NULL DEFAULT '',
    da_pin TEXT NOT NULL DEFAULT '',
    da_callerid TEXT NOT NULL DEFAULT '',
    da_created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (da_te_id, da_name)
);

CREATE TABLE pg_paginggroups (
    pg_id BIGSERIAL PRIMARY KEY,
    pg_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    pg_name TEXT NOT NULL DEFAULT '',
    pg_number TEXT NOT NULL DEFAULT '',
    pg_duplex BIGINT NOT NULL DEFAULT 0,
    pg_created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (pg_te_id, pg_name)
);

CREATE TABLE cm_calleridmods (
    cm_id BIGSERIAL PRIMARY KEY,
    cm_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    cm_name TEXT NOT NULL DEFAULT '',
    cm_match TEXT NOT NULL DEFAULT '',
    cm_prefix TEXT NOT NULL DEFAULT '',
    cm_strip TEXT NOT NULL DEFAULT '',
    cm_newname TEXT NOT NULL DEFAULT '',
    cm_created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (cm_te_id, cm_name)
);

-- Campaigns: the definitions destination tags name; CAMPAIGN actions come with the live-PBX issue.
CREATE TABLE ca_campaigns (
    ca_id BIGSERIAL PRIMARY KEY,
    ca_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    ca_name TEXT NOT NULL DEFAULT '',
    ca_type TEXT NOT NULL DEFAULT 'ONDEMAND',
    ca_status TEXT NOT NULL DEFAULT 'STOPPED',
    ca_maxchannels TEXT NOT NULL DEFAULT '',
    ca_created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (ca_te_id, ca_name)
);

-- Built-in special destinations (a read-only catalogue, like custom destination types).
CREATE TABLE sp_specials (
    sp_id BIGSERIAL PRIMARY KEY,
    sp_name TEXT NOT NULL UNIQUE,
    sp_description TEXT NOT NULL DEFAULT ''
);
INSERT INTO sp_specials (sp_name, sp_description) VALUES
    ('HANGUP', 'Hang up the call'),
    ('BUSY', 'Play the busy tone'),
    ('CONGESTION', 'Play the congestion tone'),
    ('ECHOTEST', 'Echo test'),
    ('DIRECTORY', 'Dial-by-name directory'),
    ('VOICEMAILMAIN', 'Voicemail menu of the calling extension');
