//! Bulk writes of reporting rows (CDRs, queue log, IVR log, response-path results, recordings) for
//! `demo-data` and `import cdrs`. Rows go in as multi-row `INSERT ... VALUES (...), (...)` statements:
//! one round trip per chunk instead of one per row, which is what makes a million CDRs fast. A chunk
//! holds as many rows as the backend's bind-parameter limit allows (SQLite 32766, PostgreSQL 65535);
//! every full chunk has the same SQL text, so the prepared statement is parsed once and reused.

use std::collections::HashSet;

use sqlx::{AnyConnection, AssertSqlSafe, Row as _};

use super::objects::Value;
use super::{Backend, StoreResult};

/// The columns of `cdr` that an import writes (all but `id`), in bind order.
pub const CDR_COLUMNS: &[&str] = &[
    "calldate",
    "answer",
    "\"end\"",
    "clid",
    "src",
    "dst",
    "dcontext",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "accountcode",
    "uniqueid",
    "userfield",
    "linkedid",
    "peeraccount",
    "sequence",
    "te_id",
    "realsrc",
    "firstdst",
    "lastdst",
    "wherelanded",
    "whoanswered",
    "direction",
    "originateid",
    "prevuniqueid",
    "srccallid",
    "cc_cost",
    "cc_country",
    "cc_network",
    "pincode",
];

/// One CDR in the stored layout; the same row type the reads return (`id` is not written).
pub use super::cdrs::CdrRow;

impl CdrRow {
    /// The row's values in `CDR_COLUMNS` order.
    fn into_values(self) -> Vec<Value> {
        let t = Value::Text;
        vec![
            t(self.calldate),
            self.answer.map_or(Value::Null, Value::Text),
            t(self.end),
            t(self.clid),
            t(self.src),
            t(self.dst),
            t(self.dcontext),
            t(self.channel),
            t(self.dstchannel),
            t(self.lastapp),
            t(self.lastdata),
            Value::Int(self.duration),
            Value::Int(self.billsec),
            t(self.disposition),
            Value::Int(self.amaflags),
            t(self.accountcode),
            t(self.uniqueid),
            t(self.userfield),
            t(self.linkedid),
            t(self.peeraccount),
            Value::Int(self.sequence),
            self.te_id.map_or(Value::Null, Value::Int),
            t(self.realsrc),
            t(self.firstdst),
            t(self.lastdst),
            t(self.wherelanded),
            t(self.whoanswered),
            t(self.direction),
            t(self.originateid),
            t(self.prevuniqueid),
            t(self.srccallid),
            t(self.cc_cost),
            t(self.cc_country),
            t(self.cc_network),
            t(self.pincode),
        ]
    }
}

/// Largest number of bind parameters one statement may carry on `backend`.
pub fn max_binds(backend: Backend) -> usize {
    match backend {
        // SQLITE_MAX_VARIABLE_NUMBER defaults to 32766 since SQLite 3.32.
        Backend::Sqlite => 32_766,
        // The wire protocol counts parameters in an Int16.
        Backend::Postgres => 65_535,
    }
}

/// Rows per statement for a table of `columns` columns on `backend`.
pub fn chunk_rows(backend: Backend, columns: usize) -> usize {
    (max_binds(backend) / columns.max(1)).max(1)
}

/// Inserts CDRs (in as few statements as the parameter limit allows).
pub async fn insert_cdrs(conn: &mut AnyConnection, backend: Backend, rows: Vec<CdrRow>) -> StoreResult<()> {
    insert_rows(conn, backend, "cdr", CDR_COLUMNS, rows.into_iter().map(CdrRow::into_values)).await
}

/// Of `uniqueids`, those already stored for tenant `te_id` (duplicate detection of an import).
/// The query names only the uniqueids and the tenant is checked here: right after a bulk load the
/// planner has no statistics and, given `te_id` too, combines the tenant index (every row of the
/// tenant) with the uniqueid index, which made a re-import of 200,000 CDRs take minutes.
/// PostgreSQL gets the ids as one array parameter instead of a thousand.
pub async fn existing_uniqueids(
    conn: &mut AnyConnection,
    backend: Backend,
    te_id: i64,
    uniqueids: &[&str],
) -> StoreResult<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in uniqueids.chunks(1_000) {
        let rows = match backend {
            Backend::Postgres => {
                let list: Vec<Vec<Value>> = chunk.iter().map(|id| vec![Value::Text((*id).to_string())]).collect();
                let (_, mut arrays) = column_arrays(1, &list);
                // A join with the unnested array makes the planner look each id up in the uniqueid
                // index (it expects a short array); `uniqueid = ANY($1)` got a generic plan that
                // compared every row of the table with every id.
                sqlx::query(
                    "SELECT c.uniqueid, c.te_id FROM UNNEST($1::text[]) AS u(id) JOIN cdr c ON c.uniqueid = u.id",
                )
                .bind(arrays.pop().unwrap_or_default())
                .fetch_all(&mut *conn)
                .await?
            }
            Backend::Sqlite => {
                // Anonymous placeholders, for the reason given at `insert_rows`.
                let placeholders = vec!["?"; chunk.len()].join(", ");
                let sql = format!("SELECT uniqueid, te_id FROM cdr WHERE uniqueid IN ({placeholders})");
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for id in chunk {
                    query = query.bind((*id).to_string());
                }
                query.fetch_all(&mut *conn).await?
            }
        };
        for row in rows {
            if row.try_get::<Option<i64>, _>("te_id")? == Some(te_id) {
                found.insert(row.try_get::<String, _>("uniqueid")?);
            }
        }
    }
    Ok(found)
}

/// One `queue_log` row (Asterisk realtime layout; `data` is `data1|...|data5` as Asterisk writes it).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)] // The fields are the `queue_log` columns of the same names.
pub struct QueueLogRow {
    pub time: String,
    pub callid: String,
    pub queuename: String,
    pub agent: String,
    pub event: String,
    pub data: [String; 5],
}

/// Inserts queue log rows.
pub async fn insert_queue_log(conn: &mut AnyConnection, backend: Backend, rows: &[QueueLogRow]) -> StoreResult<()> {
    const COLUMNS: &[&str] =
        &["time", "callid", "queuename", "agent", "event", "data", "data1", "data2", "data3", "data4", "data5"];
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            let mut v = vec![
                Value::Text(r.time.clone()),
                Value::Text(r.callid.clone()),
                Value::Text(r.queuename.clone()),
                Value::Text(r.agent.clone()),
                Value::Text(r.event.clone()),
                Value::Text(r.data.join("|")),
            ];
            v.extend(r.data.iter().map(|d| Value::Text(d.clone())));
            v
        })
        .collect();
    insert_rows(conn, backend, "queue_log", COLUMNS, values).await
}

/// One `il_ivrlogs` row: a caller's choice in an IVR.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)] // The fields are the `il_*` columns.
pub struct IvrLogRow {
    pub te_id: i64,
    pub time: String,
    pub uniqueid: String,
    pub callerid: String,
    pub ivr_id: i64,
    pub digit: String,
    pub destination: String,
}

/// Inserts IVR log rows.
pub async fn insert_ivr_logs(conn: &mut AnyConnection, backend: Backend, rows: &[IvrLogRow]) -> StoreResult<()> {
    const COLUMNS: &[&str] =
        &["il_te_id", "il_time", "il_uniqueid", "il_callerid", "il_iv_id", "il_digit", "il_destination"];
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            vec![
                Value::Int(r.te_id),
                Value::Text(r.time.clone()),
                Value::Text(r.uniqueid.clone()),
                Value::Text(r.callerid.clone()),
                Value::Int(r.ivr_id),
                Value::Text(r.digit.clone()),
                Value::Text(r.destination.clone()),
            ]
        })
        .collect();
    insert_rows(conn, backend, "il_ivrlogs", COLUMNS, values).await
}

/// One step of a response path run (`rr_responsepath_results`).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)] // The fields are the `rr_*` columns.
pub struct ResponsePathStep {
    pub te_id: i64,
    pub path_id: i64,
    pub uniqueid: String,
    pub time: String,
    pub kind: String,
    pub type_id: String,
    pub value: String,
    pub type_name: String,
    pub value_name: String,
}

/// Inserts response path steps (in slice order, so `rr_id` follows the steps' order).
pub async fn insert_response_path_steps(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[ResponsePathStep],
) -> StoreResult<()> {
    const COLUMNS: &[&str] = &[
        "rr_te_id",
        "rr_rh_id",
        "rr_uniqueid",
        "rr_time",
        "rr_type",
        "rr_type_id",
        "rr_value",
        "rr_type_name",
        "rr_value_name",
    ];
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            vec![
                Value::Int(r.te_id),
                Value::Int(r.path_id),
                Value::Text(r.uniqueid.clone()),
                Value::Text(r.time.clone()),
                Value::Text(r.kind.clone()),
                Value::Text(r.type_id.clone()),
                Value::Text(r.value.clone()),
                Value::Text(r.type_name.clone()),
                Value::Text(r.value_name.clone()),
            ]
        })
        .collect();
    insert_rows(conn, backend, "rr_responsepath_results", COLUMNS, values).await
}

/// One `re_recordings` row (the file itself is written through `FileRoot`).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)] // The fields are the `re_*` columns.
pub struct RecordingRow {
    pub te_id: i64,
    pub uniqueid: String,
    pub name: String,
    pub date: String,
    pub size: i64,
    pub path: String,
}

/// Inserts recording rows (format `wav`, no transcript).
pub async fn insert_recordings(conn: &mut AnyConnection, backend: Backend, rows: &[RecordingRow]) -> StoreResult<()> {
    const COLUMNS: &[&str] = &["re_te_id", "re_uniqueid", "re_name", "re_date", "re_format", "re_size", "re_path"];
    let values: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            vec![
                Value::Int(r.te_id),
                Value::Text(r.uniqueid.clone()),
                Value::Text(r.name.clone()),
                Value::Text(r.date.clone()),
                Value::Text("wav".into()),
                Value::Int(r.size),
                Value::Text(r.path.clone()),
            ]
        })
        .collect();
    insert_rows(conn, backend, "re_recordings", COLUMNS, values).await
}

/// The bulk insert behind every function above. `table` and `columns` are static names, never
/// input; every value is bound.
///
/// This is the one place where the SQL differs by backend, for speed. SQLite gets multi-row
/// `VALUES` with `?N` placeholders: SQLite resolves `$N` as a *named* parameter by a linear search
/// of the names seen so far, which makes a statement with 30,000 of them quadratic to prepare.
/// PostgreSQL gets one text array per column, expanded by `UNNEST`: a statement of 35 parameters
/// instead of 65,000 is parsed and planned in a fraction of the time, and moves 10,000 rows at once.
async fn insert_rows(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &'static str,
    columns: &'static [&'static str],
    rows: impl IntoIterator<Item = Vec<Value>>,
) -> StoreResult<()> {
    let per_chunk = match backend {
        Backend::Sqlite => chunk_rows(backend, columns.len()),
        Backend::Postgres => POSTGRES_ROWS_PER_STATEMENT,
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_chunk).collect();
        match backend {
            Backend::Sqlite => {
                let mut query = sqlx::query(AssertSqlSafe(insert_values_sql(table, columns, chunk.len())));
                for value in chunk.into_iter().flatten() {
                    query = match value {
                        Value::Null => query.bind(Option::<String>::None),
                        Value::Text(s) => query.bind(s),
                        Value::Int(i) => query.bind(i),
                    };
                }
                query.execute(&mut *conn).await?;
            }
            Backend::Postgres => {
                let (kinds, arrays) = column_arrays(columns.len(), &chunk);
                let mut query = sqlx::query(AssertSqlSafe(insert_unnest_sql(table, columns, &kinds)));
                for array in arrays {
                    query = query.bind(array);
                }
                query.execute(&mut *conn).await?;
            }
        }
    }
    Ok(())
}

/// Rows per `UNNEST` statement on PostgreSQL (the parameter count does not grow with it).
const POSTGRES_ROWS_PER_STATEMENT: usize = 10_000;

/// `INSERT INTO table (cols) VALUES (?, ..), (?, ..), ...` for `rows` rows (SQLite).
fn insert_values_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let width = columns.len();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    sql.reserve(rows * width * 7);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql
}

/// `INSERT INTO table (cols) SELECT * FROM UNNEST($1::text[], $2::bigint[], ...)` (PostgreSQL).
fn insert_unnest_sql(table: &str, columns: &[&str], int_columns: &[bool]) -> String {
    let arrays = int_columns
        .iter()
        .enumerate()
        .map(|(i, int)| format!("${}::{}[]", i + 1, if *int { "bigint" } else { "text" }))
        .collect::<Vec<_>>()
        .join(", ");
    format!("INSERT INTO {table} ({}) SELECT * FROM UNNEST({arrays})", columns.join(", "))
}

/// The chunk as one PostgreSQL array literal per column, and which columns hold integers.
fn column_arrays(width: usize, chunk: &[Vec<Value>]) -> (Vec<bool>, Vec<String>) {
    let int_columns: Vec<bool> = (0..width)
        .map(|c| {
            chunk.iter().map(|row| &row[c]).find(|v| **v != Value::Null).is_some_and(|v| matches!(v, Value::Int(_)))
        })
        .collect();
    let mut arrays: Vec<String> = (0..width).map(|_| String::from("{")).collect();
    for (r, row) in chunk.iter().enumerate() {
        for (array, value) in arrays.iter_mut().zip(row) {
            if r > 0 {
                array.push(',');
            }
            match value {
                Value::Null => array.push_str("NULL"),
                Value::Int(i) => array.push_str(&i.to_string()),
                Value::Text(s) => {
                    // Quoted elements need only `"` and `\` escaped; quoting also keeps `NULL`,
                    // braces, commas and blanks literal.
                    array.push('"');
                    for ch in s.chars() {
                        if ch == '"' || ch == '\\' {
                            array.push('\\');
                        }
                        array.push(ch);
                    }
                    array.push('"');
                }
            }
        }
    }
    for array in &mut arrays {
        array.push('}');
    }
    (int_columns, arrays)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_under_both_parameter_limits() {
        let width = CDR_COLUMNS.len();
        assert!(chunk_rows(Backend::Sqlite, width) * width <= 32_766);
        assert!(chunk_rows(Backend::Postgres, width) * width <= 65_535);
        assert_eq!(CdrRow::default().into_values().len(), width);
    }

    #[test]
    fn insert_sql_numbers_placeholders_row_by_row() {
        assert_eq!(insert_values_sql("t", &["a", "b"], 2), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        assert_eq!(
            insert_unnest_sql("t", &["a", "b"], &[false, true]),
            "INSERT INTO t (a, b) SELECT * FROM UNNEST($1::text[], $2::bigint[])"
        );
    }

    #[test]
    fn array_literals_quote_and_escape_text() {
        let chunk = vec![
            vec![Value::Text("a\"b\\c".into()), Value::Int(1), Value::Null],
            vec![Value::Text("NULL".into()), Value::Int(-2), Value::Text("{x, y}".into())],
        ];
        let (ints, arrays) = column_arrays(3, &chunk);
        assert_eq!(ints, vec![false, true, false]);
        assert_eq!(arrays, vec![r#"{"a\"b\\c","NULL"}"#.to_string(), "{1,-2}".into(), r#"{NULL,"{x, y}"}"#.into()]);
    }
}
