-- SQLite only: where the node's cdr_sqlite3_custom writes (`table => pbx_cdr_in`). That back end
-- can write neither NULL nor a UTC time (in Asterisk 22 `${CDR(start,u)}` is empty there), so it
-- writes Asterisk's local time and text; this view turns each row into the gateway's layout as it
-- is inserted: UTC `YYYY-MM-DD HH:MM:SS` (the trigger runs inside the Asterisk process, so
-- SQLite's 'utc' modifier converts from the very time zone the node formatted in), `answer` NULL
-- when unanswered, te_id NULL without a tenant, AMA flags as numbers, cc_cost '0' when unrated.
-- The gateway's own inserts into `cdr` are untouched. Same columns as `cdr` (Asterisk counts all
-- but the first, which it takes for the row id, and refuses a table whose count differs).
CREATE VIEW pbx_cdr_in AS
SELECT id, calldate, answer, "end", clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration,
       billsec, disposition, amaflags, accountcode, uniqueid, userfield, linkedid, peeraccount, sequence, te_id,
       realsrc, firstdst, lastdst, wherelanded, whoanswered, direction, originateid, prevuniqueid, srccallid,
       cc_cost, cc_country, cc_network, pincode
FROM cdr WHERE 0;

CREATE TRIGGER pbx_cdr_in_insert INSTEAD OF INSERT ON pbx_cdr_in
BEGIN
    INSERT INTO cdr (calldate, answer, "end", clid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata,
                     duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, linkedid,
                     peeraccount, sequence, te_id, realsrc, firstdst, lastdst, wherelanded, whoanswered, direction,
                     originateid, prevuniqueid, srccallid, cc_cost, cc_country, cc_network, pincode)
    VALUES (
        COALESCE(datetime(NEW.calldate, 'utc'), ''),
        CASE WHEN NEW.answer > '1971' THEN datetime(NEW.answer, 'utc') END,
        CASE WHEN NEW."end" > '1971' THEN datetime(NEW."end", 'utc') ELSE '' END,
        NEW.clid, NEW.src, NEW.dst, NEW.dcontext, NEW.channel, NEW.dstchannel, NEW.lastapp, NEW.lastdata,
        CAST(NEW.duration AS INTEGER), CAST(NEW.billsec AS INTEGER), NEW.disposition,
        CASE NEW.amaflags WHEN 'OMIT' THEN 1 WHEN 'BILLING' THEN 2 WHEN 'DOCUMENTATION' THEN 3
                          ELSE CAST(NEW.amaflags AS INTEGER) END,
        NEW.accountcode, NEW.uniqueid, NEW.userfield, NEW.linkedid, NEW.peeraccount,
        CAST(NEW.sequence AS INTEGER),
        CASE WHEN NEW.te_id = '' THEN NULL ELSE CAST(NEW.te_id AS INTEGER) END,
        NEW.realsrc, NEW.firstdst, NEW.lastdst, NEW.wherelanded, NEW.whoanswered, NEW.direction,
        NEW.originateid, NEW.prevuniqueid, NEW.srccallid,
        CASE WHEN NEW.cc_cost = '' THEN '0' ELSE NEW.cc_cost END,
        NEW.cc_country, NEW.cc_network, NEW.pincode);
END;
