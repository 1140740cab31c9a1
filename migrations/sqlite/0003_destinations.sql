-- Destination lists (CONTRACT §3): the ordered TAG-ID entries of a DID, an IVR key, a condition
-- branch or a hunt list. The owner is (ds_typesrc, ds_typeidsrc); ds_tag + ds_target name the
-- object the entry points at, indexed so "who still uses this object?" is one lookup.
CREATE TABLE ds_destinations (
    ds_id INTEGER PRIMARY KEY AUTOINCREMENT,
    ds_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    ds_typesrc TEXT NOT NULL,
    ds_typeidsrc BIGINT NOT NULL,
    ds_position BIGINT NOT NULL,
    ds_tag TEXT NOT NULL,
    ds_target BIGINT NOT NULL
);
CREATE INDEX ds_destinations_owner ON ds_destinations (ds_te_id, ds_typesrc, ds_typeidsrc, ds_position);
CREATE INDEX ds_destinations_target ON ds_destinations (ds_te_id, ds_tag, ds_target);

-- Schedule rows of week-time and calendar conditions (MANAGEDB getextendedinfos), in order.
CREATE TABLE co_schedules (
    cs_id INTEGER PRIMARY KEY AUTOINCREMENT,
    cs_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    cs_co_id BIGINT NOT NULL REFERENCES co_conditions (co_id) ON DELETE CASCADE,
    cs_position BIGINT NOT NULL,
    cs_param1 TEXT NOT NULL DEFAULT '',
    cs_param2 TEXT NOT NULL DEFAULT '',
    cs_param3 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX co_schedules_condition ON co_schedules (cs_te_id, cs_co_id, cs_position);
