-- SQLite only: primary keys refuse NULL, as they always did on PostgreSQL. SQLite lets a PRIMARY
-- KEY column that is not the rowid (any declared type but exactly INTEGER) hold NULL, in any number
-- of rows, unless it is also declared NOT NULL; these five were not, so SQLite took rows that
-- PostgreSQL refuses (found by tests/it/schema_parity.rs). SQLite cannot add NOT NULL to a column,
-- so each table is rebuilt with the same columns: create, copy, drop, rename. No other table, view
-- or trigger refers to them, so nothing else changes. A row with a NULL key, which the gateway never
-- writes and no lookup can reach, is not carried over.

CREATE TABLE lf_login_failures_rebuilt (
    lf_username TEXT NOT NULL PRIMARY KEY,
    lf_window_start TEXT NOT NULL,
    lf_count BIGINT NOT NULL
);
INSERT INTO lf_login_failures_rebuilt (lf_username, lf_window_start, lf_count)
SELECT lf_username, lf_window_start, lf_count FROM lf_login_failures WHERE lf_username IS NOT NULL;
DROP TABLE lf_login_failures;
ALTER TABLE lf_login_failures_rebuilt RENAME TO lf_login_failures;

CREATE TABLE gw_settings_rebuilt (
    gw_name TEXT NOT NULL PRIMARY KEY,
    gw_value TEXT NOT NULL
);
INSERT INTO gw_settings_rebuilt (gw_name, gw_value)
SELECT gw_name, gw_value FROM gw_settings WHERE gw_name IS NOT NULL;
DROP TABLE gw_settings;
ALTER TABLE gw_settings_rebuilt RENAME TO gw_settings;

CREATE TABLE bl_balances_rebuilt (
    bl_te_id BIGINT NOT NULL PRIMARY KEY REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    bl_amount BIGINT NOT NULL DEFAULT 0,
    bl_floor BIGINT NOT NULL DEFAULT 0
);
INSERT INTO bl_balances_rebuilt (bl_te_id, bl_amount, bl_floor)
SELECT bl_te_id, bl_amount, bl_floor FROM bl_balances WHERE bl_te_id IS NOT NULL;
DROP TABLE bl_balances;
ALTER TABLE bl_balances_rebuilt RENAME TO bl_balances;

CREATE TABLE mb_mediabinaries_rebuilt (
    mb_me_id BIGINT NOT NULL PRIMARY KEY REFERENCES me_mediafiles (me_id) ON DELETE CASCADE,
    mb_content BLOB NOT NULL,
    mb_content_type TEXT NOT NULL,
    mb_updated_at TEXT NOT NULL
);
INSERT INTO mb_mediabinaries_rebuilt (mb_me_id, mb_content, mb_content_type, mb_updated_at)
SELECT mb_me_id, mb_content, mb_content_type, mb_updated_at FROM mb_mediabinaries WHERE mb_me_id IS NOT NULL;
DROP TABLE mb_mediabinaries;
ALTER TABLE mb_mediabinaries_rebuilt RENAME TO mb_mediabinaries;

CREATE TABLE rl_rate_limits_rebuilt (
    rl_bucket TEXT NOT NULL PRIMARY KEY,
    rl_window BIGINT NOT NULL,
    rl_count BIGINT NOT NULL
);
INSERT INTO rl_rate_limits_rebuilt (rl_bucket, rl_window, rl_count)
SELECT rl_bucket, rl_window, rl_count FROM rl_rate_limits WHERE rl_bucket IS NOT NULL;
DROP TABLE rl_rate_limits;
ALTER TABLE rl_rate_limits_rebuilt RENAME TO rl_rate_limits;
CREATE INDEX rl_rate_limits_window ON rl_rate_limits (rl_window);
