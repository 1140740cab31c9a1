-- Shared rate-limit windows: one row per bucket (`addr <ip>`, `cred key <id>`, `cred user <id>`)
-- with the request count of its current fixed window (window number = Unix seconds / window
-- length). Every replica adds its counts here twice a second (service::rate_limit). Same text for
-- both backends.
CREATE TABLE rl_rate_limits (
    rl_bucket TEXT PRIMARY KEY,
    rl_window BIGINT NOT NULL,
    rl_count BIGINT NOT NULL
);
CREATE INDEX rl_rate_limits_window ON rl_rate_limits (rl_window);
