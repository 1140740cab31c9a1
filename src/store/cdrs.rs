//! Call detail records in Asterisk's `cdr` layout (migration 0012). Reads are keyset-ordered by
//! `(calldate, id)`, which the `(te_id, calldate, id)` index serves without a sort, so a page and a
//! million-row export cost the same per row.

use futures_util::TryStreamExt as _;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, Row as _};

use super::StoreResult;

/// Columns read for a CDR, in `CdrRow` order. `end` is quoted: it is an SQL keyword.
const COLUMNS: &str = "id, calldate, answer, \"end\", clid, src, dst, dcontext, channel, dstchannel, lastapp, \
    lastdata, duration, billsec, disposition, amaflags, accountcode, uniqueid, userfield, linkedid, peeraccount, \
    sequence, te_id, realsrc, firstdst, lastdst, wherelanded, whoanswered, direction, originateid, prevuniqueid, \
    srccallid, cc_cost, cc_country, cc_network, pincode";

/// One CDR row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdrRow {
    pub id: i64,
    pub calldate: String,
    pub answer: Option<String>,
    pub end: String,
    pub clid: String,
    pub src: String,
    pub dst: String,
    pub dcontext: String,
    pub channel: String,
    pub dstchannel: String,
    pub lastapp: String,
    pub lastdata: String,
    pub duration: i64,
    pub billsec: i64,
    pub disposition: String,
    pub amaflags: i64,
    pub accountcode: String,
    pub uniqueid: String,
    pub userfield: String,
    pub linkedid: String,
    pub peeraccount: String,
    pub sequence: i64,
    pub te_id: Option<i64>,
    pub realsrc: String,
    pub firstdst: String,
    pub lastdst: String,
    pub wherelanded: String,
    pub whoanswered: String,
    pub direction: String,
    pub originateid: String,
    pub prevuniqueid: String,
    pub srccallid: String,
    pub cc_cost: String,
    pub cc_country: String,
    pub cc_network: String,
    pub pincode: String,
}

impl CdrRow {
    fn decode(row: &sqlx::any::AnyRow) -> Result<CdrRow, sqlx::Error> {
        Ok(CdrRow {
            id: row.try_get("id")?,
            calldate: row.try_get("calldate")?,
            answer: row.try_get("answer")?,
            end: row.try_get("end")?,
            clid: row.try_get("clid")?,
            src: row.try_get("src")?,
            dst: row.try_get("dst")?,
            dcontext: row.try_get("dcontext")?,
            channel: row.try_get("channel")?,
            dstchannel: row.try_get("dstchannel")?,
            lastapp: row.try_get("lastapp")?,
            lastdata: row.try_get("lastdata")?,
            duration: row.try_get("duration")?,
            billsec: row.try_get("billsec")?,
            disposition: row.try_get("disposition")?,
            amaflags: row.try_get("amaflags")?,
            accountcode: row.try_get("accountcode")?,
            uniqueid: row.try_get("uniqueid")?,
            userfield: row.try_get("userfield")?,
            linkedid: row.try_get("linkedid")?,
            peeraccount: row.try_get("peeraccount")?,
            sequence: row.try_get("sequence")?,
            te_id: row.try_get("te_id")?,
            realsrc: row.try_get("realsrc")?,
            firstdst: row.try_get("firstdst")?,
            lastdst: row.try_get("lastdst")?,
            wherelanded: row.try_get("wherelanded")?,
            whoanswered: row.try_get("whoanswered")?,
            direction: row.try_get("direction")?,
            originateid: row.try_get("originateid")?,
            prevuniqueid: row.try_get("prevuniqueid")?,
            srccallid: row.try_get("srccallid")?,
            cc_cost: row.try_get("cc_cost")?,
            cc_country: row.try_get("cc_country")?,
            cc_network: row.try_get("cc_network")?,
            pincode: row.try_get("pincode")?,
        })
    }
}

/// Which CDRs to read. Every list is an OR within itself and an AND with the others; an empty list
/// does not filter.
#[derive(Debug, Clone, Default)]
pub struct CdrQuery {
    /// One tenant, or `None` for every tenant (admins only; the service decides).
    pub tenant_id: Option<i64>,
    /// Earliest `calldate`, inclusive (stored text).
    pub from: Option<String>,
    /// Latest `calldate`, inclusive (stored text).
    pub to: Option<String>,
    pub ids: Vec<i64>,
    pub uniqueids: Vec<String>,
    pub linkedids: Vec<String>,
    pub originateids: Vec<String>,
    /// Matches `src` or `realsrc`.
    pub sources: Vec<String>,
    /// Matches `firstdst` or `dst`.
    pub destinations: Vec<String>,
    /// Upper-case `IN`, `OUT`, `LOCAL`.
    pub directions: Vec<String>,
    pub dispositions: Vec<String>,
    /// The answering party: `whoanswered` equal, or `<value>-<tenant>`.
    pub answered_by: Vec<String>,
    /// Caller id names (the name part of `clid`), substring.
    pub caller_names: Vec<String>,
    /// Matches who answered, the caller id number and the dialled number (CONTRACT row 44).
    pub phones: Vec<String>,
    /// Only the first leg of each call (`uniqueid = linkedid`): the simple call history.
    pub first_legs_only: bool,
    /// Newest first: `(calldate, id)` descending (ascending otherwise).
    pub newest_first: bool,
    /// Keyset position: rows strictly after this `(calldate, id)` in the query's order.
    pub after: Option<(String, i64)>,
    /// At most this many rows.
    pub limit: Option<i64>,
}

/// An argument of a built query.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

/// `WHERE` clauses with their arguments, numbered `$1..$N` in order.
#[derive(Debug, Default)]
struct Conditions {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Conditions {
    fn placeholder(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// `(col1 IN (...) OR col2 IN (...))` over the given columns.
    fn any_of(&mut self, columns: &[&str], values: &[String]) {
        if values.is_empty() {
            return;
        }
        let mut alternatives = Vec::new();
        for column in columns {
            let list: Vec<String> = values.iter().map(|v| self.placeholder(Arg::Text(v.clone()))).collect();
            alternatives.push(format!("{column} IN ({})", list.join(", ")));
        }
        self.clauses.push(format!("({})", alternatives.join(" OR ")));
    }

    /// `col LIKE pattern ESCAPE '\'` alternatives, the value escaped so it matches literally.
    fn like_any(&mut self, column: &str, values: &[String], prefix: &str, suffix: &str) -> Vec<String> {
        values
            .iter()
            .map(|v| {
                let p = self.placeholder(Arg::Text(format!("{prefix}{}{suffix}", escape_like(v))));
                format!("{column} LIKE {p} ESCAPE '\\'")
            })
            .collect()
    }

    fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!(" WHERE {}", self.clauses.join(" AND ")) }
    }

    fn bind(self, sql: String) -> Query<'static, Any, AnyArguments> {
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for arg in self.args {
            query = match arg {
                Arg::Text(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
            };
        }
        query
    }
}

fn escape_like(value: &str) -> String {
    value.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn build(q: &CdrQuery) -> (String, Conditions) {
    let mut c = Conditions::default();
    if let Some(tenant) = q.tenant_id {
        let p = c.placeholder(Arg::Int(tenant));
        c.push(format!("te_id = {p}"));
    }
    if let Some(from) = &q.from {
        let p = c.placeholder(Arg::Text(from.clone()));
        c.push(format!("calldate >= {p}"));
    }
    if let Some(to) = &q.to {
        let p = c.placeholder(Arg::Text(to.clone()));
        c.push(format!("calldate <= {p}"));
    }
    if !q.ids.is_empty() {
        let list: Vec<String> = q.ids.iter().map(|id| c.placeholder(Arg::Int(*id))).collect();
        c.push(format!("id IN ({})", list.join(", ")));
    }
    c.any_of(&["uniqueid"], &q.uniqueids);
    c.any_of(&["linkedid"], &q.linkedids);
    c.any_of(&["originateid"], &q.originateids);
    c.any_of(&["src", "realsrc"], &q.sources);
    c.any_of(&["firstdst", "dst"], &q.destinations);
    c.any_of(&["direction"], &q.directions);
    c.any_of(&["disposition"], &q.dispositions);
    if !q.answered_by.is_empty() {
        let mut alternatives = c.like_any("whoanswered", &q.answered_by, "", "-%");
        let list: Vec<String> = q.answered_by.iter().map(|v| c.placeholder(Arg::Text(v.clone()))).collect();
        alternatives.push(format!("whoanswered IN ({})", list.join(", ")));
        c.push(format!("({})", alternatives.join(" OR ")));
    }
    if !q.caller_names.is_empty() {
        // Case-insensitive on both backends (SQLite's LIKE is, PostgreSQL's is not).
        let alternatives =
            c.like_any("LOWER(clid)", &q.caller_names.iter().map(|n| n.to_lowercase()).collect::<Vec<_>>(), "%", "%");
        c.push(format!("({})", alternatives.join(" OR ")));
    }
    if !q.phones.is_empty() {
        let mut alternatives = c.like_any("whoanswered", &q.phones, "", "-%");
        for column in ["whoanswered", "src", "realsrc", "firstdst", "dst"] {
            let list: Vec<String> = q.phones.iter().map(|v| c.placeholder(Arg::Text(v.clone()))).collect();
            alternatives.push(format!("{column} IN ({})", list.join(", ")));
        }
        c.push(format!("({})", alternatives.join(" OR ")));
    }
    if q.first_legs_only {
        c.push("(linkedid = '' OR uniqueid = linkedid)".to_string());
    }
    let (beyond, order) = if q.newest_first { ("<", "calldate DESC, id DESC") } else { (">", "calldate, id") };
    if let Some((calldate, id)) = &q.after {
        let d1 = c.placeholder(Arg::Text(calldate.clone()));
        let d2 = c.placeholder(Arg::Text(calldate.clone()));
        let i = c.placeholder(Arg::Int(*id));
        c.push(format!("(calldate {beyond} {d1} OR (calldate = {d2} AND id {beyond} {i}))"));
    }
    let mut sql = format!("SELECT {COLUMNS} FROM cdr{} ORDER BY {order}", c.sql());
    if let Some(limit) = q.limit {
        let p = c.placeholder(Arg::Int(limit));
        sql.push_str(&format!(" LIMIT {p}"));
    }
    (sql, c)
}

/// The CDRs matching `q`, in `(calldate, id)` order (descending when `newest_first`).
pub async fn list(conn: &mut AnyConnection, q: &CdrQuery) -> StoreResult<Vec<CdrRow>> {
    let (sql, conditions) = build(q);
    let rows = conditions.bind(sql).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(CdrRow::decode).collect::<Result<_, _>>()?)
}

/// Streams the CDRs matching `q` into `sink` in batches of `batch` rows, holding one pooled
/// connection for the duration. Stops, and gives the connection back, as soon as `sink` refuses a
/// batch (the reader went away).
pub async fn stream(
    pool: &AnyPool,
    q: &CdrQuery,
    batch: usize,
    sink: &tokio::sync::mpsc::Sender<StoreResult<Vec<CdrRow>>>,
) -> StoreResult<()> {
    let (sql, conditions) = build(q);
    let mut conn = pool.acquire().await?;
    let mut rows = conditions.bind(sql).fetch(&mut *conn);
    let mut chunk = Vec::with_capacity(batch);
    while let Some(row) = rows.try_next().await? {
        chunk.push(CdrRow::decode(&row)?);
        if chunk.len() >= batch
            && sink.send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(batch)))).await.is_err()
        {
            return Ok(());
        }
    }
    if !chunk.is_empty() {
        let _ = sink.send(Ok(chunk)).await;
    }
    Ok(())
}

/// `te_id` → `te_code` of every tenant, to label CDRs of an all-tenant read.
pub async fn tenant_codes(conn: &mut AnyConnection) -> StoreResult<std::collections::HashMap<i64, String>> {
    let rows = sqlx::query("SELECT te_id, te_code FROM te_tenants").fetch_all(&mut *conn).await?;
    let mut codes = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        codes.insert(row.try_get::<i64, _>("te_id")?, row.try_get::<String, _>("te_code")?);
    }
    Ok(codes)
}

/// Fields a CDR update may touch (CONTRACT Q15). Anything else is refused before SQL is built.
pub const WRITABLE_FIELDS: [&str; 2] = ["userfield", "accountcode"];

/// Sets `field` of the tenant's CDRs with this uniqueid; `append` adds to the current value instead.
/// Returns how many rows changed (0: no such CDR in this tenant).
pub async fn set_field(
    conn: &mut AnyConnection,
    tenant_id: i64,
    uniqueid: &str,
    field: &str,
    value: &str,
    append: bool,
) -> StoreResult<u64> {
    let Some(column) = WRITABLE_FIELDS.iter().find(|f| **f == field) else {
        return Ok(0);
    };
    let expression = if append { format!("{column} || $1") } else { "$1".to_string() };
    let sql = format!("UPDATE cdr SET {column} = {expression} WHERE te_id = $2 AND uniqueid = $3");
    let done = sqlx::query(AssertSqlSafe(sql)).bind(value).bind(tenant_id).bind(uniqueid).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_bind_order() {
        let q = CdrQuery {
            tenant_id: Some(7),
            from: Some("2026-01-01 00:00:00".into()),
            phones: vec!["103".into()],
            after: Some(("2026-01-01 10:00:00".into(), 5)),
            limit: Some(10),
            ..CdrQuery::default()
        };
        let (sql, c) = build(&q);
        let highest = c.args.len();
        assert!(sql.contains(&format!("LIMIT ${highest}")), "{sql}");
        for n in 1..=highest {
            assert!(sql.contains(&format!("${n}")), "missing ${n} in {sql}");
        }
        assert!(!sql.contains(&format!("${}", highest + 1)));
    }

    #[test]
    fn like_values_match_literally() {
        assert_eq!(escape_like("10%_\\"), "10\\%\\_\\\\");
    }
}
