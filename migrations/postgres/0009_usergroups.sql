-- User groups: sets of tenants and users. A user whose membership inherits (legacy `inerith=on`)
-- reaches the group's tenants as if linked to each.
CREATE TABLE ug_usergroups (
    ug_id BIGSERIAL PRIMARY KEY,
    ug_name TEXT NOT NULL UNIQUE,
    ug_created_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ugt_usergroup_tenants (
    ugt_ug_id BIGINT NOT NULL REFERENCES ug_usergroups (ug_id) ON DELETE CASCADE,
    ugt_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id) ON DELETE CASCADE,
    PRIMARY KEY (ugt_ug_id, ugt_te_id)
);

CREATE TABLE ugu_usergroup_users (
    ugu_ug_id BIGINT NOT NULL REFERENCES ug_usergroups (ug_id) ON DELETE CASCADE,
    ugu_us_id BIGINT NOT NULL REFERENCES us_users (us_id) ON DELETE CASCADE,
    ugu_inherit BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (ugu_ug_id, ugu_us_id)
);
CREATE INDEX ugu_usergroup_users_user ON ugu_usergroup_users (ugu_us_id);
