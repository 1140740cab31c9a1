-- Flows (day/night switches and variables): the legacy fl_* row plus the stored state that FLOWS,
-- SETFLOW and INFO FLOW read and write (the live-PBX issue mirrors it into device state).
CREATE TABLE fl_flows (
    fl_id BIGSERIAL PRIMARY KEY,
    fl_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    fl_name TEXT NOT NULL DEFAULT '',
    fl_comment TEXT NOT NULL DEFAULT '',
    fl_number TEXT NOT NULL DEFAULT '',
    fl_value TEXT NOT NULL DEFAULT '',
    fl_value_for_unavailable TEXT NOT NULL DEFAULT '',
    fl_value_for_inuse TEXT NOT NULL DEFAULT '',
    fl_value_for_notinuse TEXT NOT NULL DEFAULT '',
    fl_value_for_ringing TEXT NOT NULL DEFAULT '',
    fl_variable_name TEXT NOT NULL DEFAULT '',
    fl_monitor_type TEXT NOT NULL DEFAULT '',
    fl_monitor_type_id TEXT NOT NULL DEFAULT '',
    fl_monitor_parameter TEXT NOT NULL DEFAULT '',
    fl_state TEXT NOT NULL DEFAULT 'NOT_INUSE',
    fl_state_at TEXT NOT NULL DEFAULT '',
    UNIQUE (fl_te_id, fl_number)
);
CREATE INDEX fl_flows_tenant ON fl_flows (fl_te_id);
