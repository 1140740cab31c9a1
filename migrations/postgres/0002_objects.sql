-- Provisioned objects of CONTRACT §2.3 (issue 3). Column names follow the legacy schema; values are TEXT
-- (legacy values are strings), flags BIGINT 0/1.

-- Queues: the queue row plus the Asterisk queue engine columns (unprefixed, as in the legacy schema).
CREATE TABLE qu_queues (
    qu_id BIGSERIAL PRIMARY KEY,
    qu_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    qu_name TEXT NOT NULL DEFAULT '',
    qu_number TEXT NOT NULL DEFAULT '',
    strategy TEXT NOT NULL DEFAULT '',
    timeout TEXT NOT NULL DEFAULT '',
    retry TEXT NOT NULL DEFAULT '',
    wrapuptime TEXT NOT NULL DEFAULT '',
    maxlen TEXT NOT NULL DEFAULT '',
    weight TEXT NOT NULL DEFAULT '',
    servicelevel TEXT NOT NULL DEFAULT '',
    musiconhold TEXT NOT NULL DEFAULT '',
    joinempty TEXT NOT NULL DEFAULT '',
    leavewhenempty TEXT NOT NULL DEFAULT '',
    ringinuse TEXT NOT NULL DEFAULT '',
    announce_frequency TEXT NOT NULL DEFAULT '',
    qu_created_at TEXT NOT NULL DEFAULT '',
    qu_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (qu_te_id, qu_name)
);
CREATE INDEX qu_queues_tenant ON qu_queues (qu_te_id);
CREATE UNIQUE INDEX qu_queues_number ON qu_queues (qu_te_id, qu_number) WHERE qu_number <> '';

-- DIDs: inbound numbers. A number routes to one tenant only, so it is unique across tenants.
CREATE TABLE di_dids (
    di_id BIGSERIAL PRIMARY KEY,
    di_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    di_country TEXT NOT NULL DEFAULT '',
    di_area TEXT NOT NULL DEFAULT '',
    di_number TEXT NOT NULL DEFAULT '',
    di_comment TEXT NOT NULL DEFAULT '',
    di_recording TEXT NOT NULL DEFAULT '',
    di_fax TEXT NOT NULL DEFAULT '',
    di_faxstationid TEXT NOT NULL DEFAULT '',
    di_fax_email TEXT NOT NULL DEFAULT '',
    di_maxchannels TEXT NOT NULL DEFAULT '',
    di_emailrecording TEXT NOT NULL DEFAULT '',
    di_smsemail TEXT NOT NULL DEFAULT '',
    di_created_at TEXT NOT NULL DEFAULT '',
    di_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (di_country, di_area, di_number)
);
CREATE INDEX di_dids_tenant ON di_dids (di_te_id);

-- IVR menus; their prompts and key branches are destination lists.
CREATE TABLE iv_ivrs (
    iv_id BIGSERIAL PRIMARY KEY,
    iv_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    iv_name TEXT NOT NULL DEFAULT '',
    iv_me_id TEXT NOT NULL DEFAULT '',
    iv_timeout TEXT NOT NULL DEFAULT '',
    iv_created_at TEXT NOT NULL DEFAULT '',
    iv_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (iv_te_id, iv_name)
);
CREATE INDEX iv_ivrs_tenant ON iv_ivrs (iv_te_id);

-- Conditions (time/calendar switches); schedules and branches live in their own tables.
CREATE TABLE co_conditions (
    co_id BIGSERIAL PRIMARY KEY,
    co_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    co_name TEXT NOT NULL DEFAULT '',
    co_type TEXT NOT NULL DEFAULT '',
    co_created_at TEXT NOT NULL DEFAULT '',
    co_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (co_te_id, co_name)
);
CREATE INDEX co_conditions_tenant ON co_conditions (co_te_id);

-- Hunt lists; their ring order is a destination list.
CREATE TABLE hl_huntlists (
    hl_id BIGSERIAL PRIMARY KEY,
    hl_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    hl_name TEXT NOT NULL DEFAULT '',
    hl_ringtime TEXT NOT NULL DEFAULT '',
    hl_created_at TEXT NOT NULL DEFAULT '',
    hl_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (hl_te_id, hl_name)
);
CREATE INDEX hl_huntlists_tenant ON hl_huntlists (hl_te_id);

-- Custom destination types: a read-only catalogue.
CREATE TABLE ct_customtypes (
    ct_id BIGSERIAL PRIMARY KEY,
    ct_name TEXT NOT NULL DEFAULT '',
    ct_description TEXT NOT NULL DEFAULT '',
    ct_param1label TEXT NOT NULL DEFAULT '',
    ct_param2label TEXT NOT NULL DEFAULT '',
    ct_param3label TEXT NOT NULL DEFAULT '',
    ct_param4label TEXT NOT NULL DEFAULT '',
    ct_param5label TEXT NOT NULL DEFAULT '',
    UNIQUE (ct_name)
);

-- Custom destinations: a type and up to 20 parameters whose meaning the type gives.
CREATE TABLE cu_customs (
    cu_id BIGSERIAL PRIMARY KEY,
    cu_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    cu_name TEXT NOT NULL DEFAULT '',
    cu_ct_id TEXT NOT NULL DEFAULT '',
    cu_param1 TEXT NOT NULL DEFAULT '',
    cu_param2 TEXT NOT NULL DEFAULT '',
    cu_param3 TEXT NOT NULL DEFAULT '',
    cu_param4 TEXT NOT NULL DEFAULT '',
    cu_param5 TEXT NOT NULL DEFAULT '',
    cu_param6 TEXT NOT NULL DEFAULT '',
    cu_param7 TEXT NOT NULL DEFAULT '',
    cu_param8 TEXT NOT NULL DEFAULT '',
    cu_param9 TEXT NOT NULL DEFAULT '',
    cu_param10 TEXT NOT NULL DEFAULT '',
    cu_param11 TEXT NOT NULL DEFAULT '',
    cu_param12 TEXT NOT NULL DEFAULT '',
    cu_param13 TEXT NOT NULL DEFAULT '',
    cu_param14 TEXT NOT NULL DEFAULT '',
    cu_param15 TEXT NOT NULL DEFAULT '',
    cu_param16 TEXT NOT NULL DEFAULT '',
    cu_param17 TEXT NOT NULL DEFAULT '',
    cu_param18 TEXT NOT NULL DEFAULT '',
    cu_param19 TEXT NOT NULL DEFAULT '',
    cu_param20 TEXT NOT NULL DEFAULT '',
    cu_created_at TEXT NOT NULL DEFAULT '',
    cu_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (cu_te_id, cu_name)
);
CREATE INDEX cu_customs_tenant ON cu_customs (cu_te_id);

-- Conference rooms.
CREATE TABLE cr_conferences (
    cr_id BIGSERIAL PRIMARY KEY,
    cr_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    cr_number TEXT NOT NULL DEFAULT '',
    cr_name TEXT NOT NULL DEFAULT '',
    pin TEXT NOT NULL DEFAULT '',
    adminpin TEXT NOT NULL DEFAULT '',
    cr_created_at TEXT NOT NULL DEFAULT '',
    cr_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (cr_te_id, cr_number)
);
CREATE INDEX cr_conferences_tenant ON cr_conferences (cr_te_id);

-- Voicemail boxes in Asterisk's realtime layout (table `voicemail`), plus the tenant link.
CREATE TABLE voicemail (
    uniqueid BIGSERIAL PRIMARY KEY,
    vm_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    context TEXT NOT NULL DEFAULT '',
    mailbox TEXT NOT NULL DEFAULT '',
    password TEXT NOT NULL DEFAULT '',
    fullname TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    pager TEXT NOT NULL DEFAULT '',
    attach TEXT NOT NULL DEFAULT '',
    attachfmt TEXT NOT NULL DEFAULT '',
    serveremail TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    tz TEXT NOT NULL DEFAULT '',
    deletevoicemail TEXT NOT NULL DEFAULT '',
    saycid TEXT NOT NULL DEFAULT '',
    sendvoicemail TEXT NOT NULL DEFAULT '',
    review TEXT NOT NULL DEFAULT '',
    tempgreetwarn TEXT NOT NULL DEFAULT '',
    operator TEXT NOT NULL DEFAULT '',
    envelope TEXT NOT NULL DEFAULT '',
    sayduration TEXT NOT NULL DEFAULT '',
    saydurationm TEXT NOT NULL DEFAULT '',
    forcename TEXT NOT NULL DEFAULT '',
    forcegreetings TEXT NOT NULL DEFAULT '',
    callback TEXT NOT NULL DEFAULT '',
    dialout TEXT NOT NULL DEFAULT '',
    exitcontext TEXT NOT NULL DEFAULT '',
    maxmsg TEXT NOT NULL DEFAULT '',
    volgain TEXT NOT NULL DEFAULT '',
    imapuser TEXT NOT NULL DEFAULT '',
    imappassword TEXT NOT NULL DEFAULT '',
    imapserver TEXT NOT NULL DEFAULT '',
    imapport TEXT NOT NULL DEFAULT '',
    imapflags TEXT NOT NULL DEFAULT '',
    stamp TEXT NOT NULL DEFAULT '',
    UNIQUE (context, mailbox)
);
CREATE INDEX voicemail_tenant ON voicemail (vm_te_id);

-- Phone-side directories published to handsets.
CREATE TABLE pp_phonephonebooks (
    pp_id BIGSERIAL PRIMARY KEY,
    pp_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    pp_name TEXT NOT NULL DEFAULT '',
    UNIQUE (pp_te_id, pp_name)
);
CREATE INDEX pp_phonephonebooks_tenant ON pp_phonephonebooks (pp_te_id);

-- Provisioned phones, identified by MAC.
CREATE TABLE ph_phones (
    ph_id BIGSERIAL PRIMARY KEY,
    ph_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    ph_name TEXT NOT NULL DEFAULT '',
    ph_mac TEXT NOT NULL DEFAULT '',
    ph_pm_id TEXT NOT NULL DEFAULT '',
    ph_created_at TEXT NOT NULL DEFAULT '',
    ph_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (ph_mac)
);
CREATE INDEX ph_phones_tenant ON ph_phones (ph_te_id);

-- Media files (metadata; the audio comes with its own operations).
CREATE TABLE me_mediafiles (
    me_id BIGSERIAL PRIMARY KEY,
    me_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    me_name TEXT NOT NULL DEFAULT '',
    me_format TEXT NOT NULL DEFAULT '',
    me_size TEXT NOT NULL DEFAULT '',
    me_created_at TEXT NOT NULL DEFAULT '',
    me_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (me_te_id, me_name)
);
CREATE INDEX me_mediafiles_tenant ON me_mediafiles (me_te_id);

-- Music-on-hold classes.
CREATE TABLE mu_musiconholds (
    mu_id BIGSERIAL PRIMARY KEY,
    mu_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    mu_name TEXT NOT NULL DEFAULT '',
    mu_mode TEXT NOT NULL DEFAULT '',
    mu_created_at TEXT NOT NULL DEFAULT '',
    mu_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (mu_te_id, mu_name)
);
CREATE INDEX mu_musiconholds_tenant ON mu_musiconholds (mu_te_id);

-- Caller ids refused on inbound calls.
CREATE TABLE cb_calleridblacklists (
    cb_id BIGSERIAL PRIMARY KEY,
    cb_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    cb_number TEXT NOT NULL DEFAULT '',
    cb_description TEXT NOT NULL DEFAULT '',
    cb_created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (cb_te_id, cb_number)
);
CREATE INDEX cb_calleridblacklists_tenant ON cb_calleridblacklists (cb_te_id);

-- Trunk providers (global): the provider row plus SIP peer columns.
CREATE TABLE pr_providers (
    pr_id BIGSERIAL PRIMARY KEY,
    pr_peername TEXT NOT NULL DEFAULT '',
    pr_name TEXT NOT NULL DEFAULT '',
    pr_tech TEXT NOT NULL DEFAULT '',
    pr_userealtime BIGINT NOT NULL DEFAULT 0,
    host TEXT NOT NULL DEFAULT '',
    port TEXT NOT NULL DEFAULT '',
    allow TEXT NOT NULL DEFAULT '',
    disallow TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    secret TEXT NOT NULL DEFAULT '',
    fromuser TEXT NOT NULL DEFAULT '',
    fromdomain TEXT NOT NULL DEFAULT '',
    context TEXT NOT NULL DEFAULT '',
    qualify TEXT NOT NULL DEFAULT '',
    nat TEXT NOT NULL DEFAULT '',
    insecure TEXT NOT NULL DEFAULT '',
    pr_created_at TEXT NOT NULL DEFAULT '',
    pr_updated_at TEXT NOT NULL DEFAULT '',
    UNIQUE (pr_peername)
);

-- Routing profiles (global): sets of outbound routes.
CREATE TABLE rp_routingprofiles (
    rp_id BIGSERIAL PRIMARY KEY,
    rp_name TEXT NOT NULL DEFAULT '',
    rp_type TEXT NOT NULL DEFAULT '',
    rp_created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (rp_name)
);

-- Outbound routes (global): a dialled-number pattern sent to a provider.
CREATE TABLE dl_routes (
    dl_id BIGSERIAL PRIMARY KEY,
    dl_rp_id TEXT NOT NULL DEFAULT '',
    dl_name TEXT NOT NULL DEFAULT '',
    dl_regex TEXT NOT NULL DEFAULT '',
    dl_pr_id TEXT NOT NULL DEFAULT '',
    dl_emergencyroute BIGINT NOT NULL DEFAULT 0,
    dl_usepin BIGINT NOT NULL DEFAULT 0,
    dl_position TEXT NOT NULL DEFAULT '',
    dl_created_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dl_routes_profile ON dl_routes (dl_rp_id);
CREATE INDEX dl_routes_provider ON dl_routes (dl_pr_id);


-- The catalogue of custom destination types (read-only through both doors).
INSERT INTO ct_customtypes (ct_name, ct_description, ct_param1label, ct_param2label, ct_param3label, ct_param4label, ct_param5label) VALUES
    ('DIAL', 'Dial an arbitrary channel string', 'Dial string', 'Timeout (s)', 'Options', '', ''),
    ('GOTO', 'Jump to a dialplan context, extension and priority', 'Context', 'Extension', 'Priority', '', ''),
    ('EXTERNAL', 'Forward to an external number', 'Number', 'Caller id', 'Timeout (s)', '', ''),
    ('AGI', 'Run an AGI script', 'Script', 'Arguments', '', '', ''),
    ('HANGUP', 'Hang up with a cause code', 'Cause', '', '', '', '');
