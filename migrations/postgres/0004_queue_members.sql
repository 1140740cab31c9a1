-- Queue membership in Asterisk's realtime `queue_members` layout (queue_name, interface, membername,
-- state_interface, penalty, paused), plus the links the gateway needs. Asterisk's queue name is the queue id.
CREATE TABLE queue_members (
    uniqueid BIGSERIAL PRIMARY KEY,
    qm_te_id BIGINT NOT NULL REFERENCES te_tenants (te_id),
    qm_qu_id BIGINT NOT NULL REFERENCES qu_queues (qu_id) ON DELETE CASCADE,
    qm_ex_id BIGINT NOT NULL REFERENCES ex_extensions (ex_id) ON DELETE CASCADE,
    queue_name TEXT NOT NULL,
    interface TEXT NOT NULL,
    membername TEXT NOT NULL,
    state_interface TEXT NOT NULL,
    penalty BIGINT NOT NULL DEFAULT 0,
    paused BIGINT NOT NULL DEFAULT 0,
    qm_type TEXT NOT NULL DEFAULT 'NF',
    qm_order BIGINT NOT NULL DEFAULT 0,
    UNIQUE (qm_qu_id, qm_ex_id)
);
CREATE INDEX queue_members_tenant ON queue_members (qm_te_id);

-- Asterisk's realtime `queue_log` layout: Asterisk writes queue events here, QUEUE action=log adds custom ones.
CREATE TABLE queue_log (
    id BIGSERIAL PRIMARY KEY,
    time TEXT NOT NULL,
    callid TEXT NOT NULL DEFAULT '',
    queuename TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL DEFAULT '',
    event TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '',
    data1 TEXT NOT NULL DEFAULT '',
    data2 TEXT NOT NULL DEFAULT '',
    data3 TEXT NOT NULL DEFAULT '',
    data4 TEXT NOT NULL DEFAULT '',
    data5 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_log_queue_time ON queue_log (queuename, time);
