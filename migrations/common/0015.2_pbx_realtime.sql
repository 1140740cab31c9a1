-- What Asterisk reads through its realtime back ends (res_config_pgsql / res_config_sqlite3), as
-- views over the gateway's own tables: one row is the truth, a committed change is what the next
-- REGISTER, INVITE or queue lookup sees (no copy to keep in step, no reload). The names and
-- columns are Asterisk's (sorcery `ps_*`, app_queue `queues`); README "PBX nodes" documents every
-- value and default. `queue_members`, `queue_log`, `voicemail` and `cdr` already are tables in
-- Asterisk's own layout. Both backends run this file (`store::migrator`), after their own
-- 0015_sip_endpoint.sql (the indexed endpoint id); migrations/sqlite adds the SQLite CDR intake.

-- An extension is a PJSIP endpoint only when it has a SIP digest (an endpoint without auth would
-- accept anyone) and it and its tenant are enabled. chan_sip is gone from Asterisk 22, so SIP extensions
-- are served as PJSIP endpoints too: the stored digest is the same MD5(user:realm:secret).
CREATE VIEW pbx_sip_extensions AS
SELECT e.ex_endpoint AS endpoint_id,
       e.ex_number, e.ex_name, e.ex_cidname, e.ex_cidnum, e.ex_mailbox, e.ex_callgroup, e.ex_pickupgroup,
       e.ex_md5secret,
       t.te_id,
       t.te_code
FROM ex_extensions e
JOIN te_tenants t ON t.te_id = e.ex_te_id
WHERE e.ex_md5secret <> ''
  AND e.ex_endpoint <> ''
  AND e.disabled = 0
  AND t.te_disabled = 0
  AND upper(e.ex_tech) IN ('PJSIP', 'SIP');

-- Every endpoint starts in the gateway's context (extensions.conf from `pbx-gateway pbx-config`);
-- the tenant travels on the channel as tenantid/accountcode (the code) and PBXGW_TENANT_ID (te_id).
CREATE VIEW ps_endpoints AS
SELECT endpoint_id AS id,
       endpoint_id AS aors,
       endpoint_id AS auth,
       'pbxgw-internal' AS context,
       'all' AS disallow,
       'ulaw,alaw' AS allow,
       'no' AS direct_media,
       'rfc4733' AS dtmf_mode,
       'yes' AS rtp_symmetric,
       'yes' AS force_rport,
       'yes' AS rewrite_contact,
       '"' || replace(COALESCE(NULLIF(ex_cidname, ''), NULLIF(ex_name, ''), ex_number), '"', '') || '" <'
           || COALESCE(NULLIF(ex_cidnum, ''), ex_number) || '>' AS callerid,
       CASE WHEN ex_mailbox <> '' THEN ex_number || '@' || te_code END AS mailboxes,
       NULLIF(ex_callgroup, '') AS call_group,
       NULLIF(ex_pickupgroup, '') AS pickup_group,
       te_code AS accountcode,
       te_code AS tenantid,
       '__PBXGW_TENANT_ID=' || CAST(te_id AS TEXT) AS set_var,
       'yes' AS allow_subscribe,
       'yes' AS send_pai,
       'yes' AS trust_id_inbound,
       'pbxgw-internal' AS subscribe_context
FROM pbx_sip_extensions;

-- The stored digest is the credential; the realm is the node's default_realm (PBXGW_SIP_REALM).
CREATE VIEW ps_auths AS
SELECT endpoint_id AS id,
       'digest' AS auth_type,
       endpoint_id AS username,
       ex_md5secret AS md5_cred
FROM pbx_sip_extensions;

-- One phone per extension: a new registration replaces the old contact. No static `contact`
-- (Asterisk asks for it at start-up). qualify_frequency is not optional: Asterisk tracks (and
-- reports in AMI ContactStatus events) only the contacts of AORs it knows, and a realtime AOR
-- created after start-up becomes known on its first contact only when that contact is qualified.
-- It also tells reachable phones from vanished ones (OPTIONS every 60 s).
CREATE VIEW ps_aors AS
SELECT endpoint_id AS id,
       1 AS max_contacts,
       'yes' AS remove_existing,
       60 AS minimum_expiration,
       3600 AS maximum_expiration,
       60 AS qualify_frequency,
       CAST(NULL AS TEXT) AS contact,
       CASE WHEN ex_mailbox <> '' THEN ex_number || '@' || te_code END AS mailboxes
FROM pbx_sip_extensions;

-- app_queue realtime: the Asterisk queue name is the queue id (queue_members.queue_name). Empty
-- legacy values are NULL here so Asterisk keeps its own default instead of parsing ''.
CREATE VIEW queues AS
SELECT CAST(q.qu_id AS TEXT) AS name,
       NULLIF(q.strategy, '') AS strategy,
       NULLIF(q.timeout, '') AS timeout,
       NULLIF(q.retry, '') AS retry,
       NULLIF(q.wrapuptime, '') AS wrapuptime,
       NULLIF(q.maxlen, '') AS maxlen,
       NULLIF(q.weight, '') AS weight,
       NULLIF(q.servicelevel, '') AS servicelevel,
       NULLIF(q.musiconhold, '') AS musiconhold,
       NULLIF(q.joinempty, '') AS joinempty,
       NULLIF(q.leavewhenempty, '') AS leavewhenempty,
       NULLIF(q.ringinuse, '') AS ringinuse,
       NULLIF(q.announce_frequency, '') AS announce_frequency,
       'yes' AS setinterfacevar,
       'yes' AS setqueuevar
FROM qu_queues q
JOIN te_tenants t ON t.te_id = q.qu_te_id
WHERE t.te_disabled = 0;

-- app_queue looks queues up by name and members by queue name: index both.
CREATE INDEX qu_queues_asterisk_name ON qu_queues ((CAST(qu_id AS TEXT)));
CREATE INDEX queue_members_queue_name ON queue_members (queue_name);

-- app_queue writes the pause reason next to `paused` (QueuePause with Reason); without the column
-- the whole pause is refused by the realtime update.
ALTER TABLE queue_members ADD COLUMN reason_paused TEXT NOT NULL DEFAULT '';
