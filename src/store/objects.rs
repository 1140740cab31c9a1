//! Generic persistence of declared objects (`domain::object::ObjectDef`). SQL text is assembled only
//! from the declaration's static table and column names; every value is a bound parameter.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row as _};

use super::{StoreError, StoreResult};
use crate::domain::object::{FieldDef, FieldKind, ObjectDef};

/// A stored value: the portable column discipline has only these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// TEXT.
    Text(String),
    /// BIGINT (also flags as 0/1).
    Int(i64),
}

impl Value {
    /// Text view (`Null` → empty, ints formatted).
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(i) => i.to_string(),
        }
    }
}

/// A loaded row of a declared object.
#[derive(Debug, Clone)]
pub struct Row {
    /// The declaration the row belongs to.
    pub def: &'static ObjectDef,
    /// Primary key.
    pub id: i64,
    /// Owning tenant (tenant-scoped objects).
    pub tenant_id: Option<i64>,
    /// Owning tenant's code, joined in for usernames and legacy records.
    pub tenant_code: Option<String>,
    values: Vec<Value>,
}

impl Row {
    /// The row with the values of the fields `hide` selects blanked (NULL stays NULL).
    pub fn blanked(&self, hide: impl Fn(&FieldDef) -> bool) -> Row {
        let values = self
            .def
            .fields
            .iter()
            .zip(&self.values)
            .map(
                |(field, value)| {
                    if hide(field) && *value != Value::Null { Value::Text(String::new()) } else { value.clone() }
                },
            )
            .collect();
        Row { values, tenant_code: self.tenant_code.clone(), ..*self }
    }

    /// A row of `def` whose every column is NULL: the shape of a record when a joined object is
    /// absent (QUEUELOGS' agent extension).
    pub fn null(def: &'static ObjectDef) -> Row {
        Row { def, id: 0, tenant_id: None, tenant_code: None, values: vec![Value::Null; def.fields.len()] }
    }

    /// The value of column `name` (`None` if the object has no such column).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.def.field(name).map(|(i, _)| &self.values[i])
    }

    /// Text value of column `name`; empty when NULL or unknown.
    pub fn text(&self, name: &str) -> &str {
        match self.get(name) {
            Some(Value::Text(s)) => s,
            _ => "",
        }
    }

    /// Optional text value (NULL → `None`).
    pub fn opt_text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// Flag value of column `name`.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Value::Int(v)) if *v != 0)
    }

    /// Columns with their values, in declaration order.
    pub fn columns(&self) -> impl Iterator<Item = (&'static crate::domain::object::FieldDef, &Value)> {
        self.def.fields.iter().zip(self.values.iter())
    }
}

/// Column assignments for an insert or update (declared column names only).
pub type Changes = Vec<(&'static str, Value)>;

/// Comparison of a list condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CondOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `LIKE` (`%` and `_` wildcards, `\` escape), ASCII letters in any case on both backends
    Like,
}

/// One `column op value` condition of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Declared column name.
    pub column: &'static str,
    /// Operator.
    pub op: CondOp,
    /// Bound value.
    pub value: Value,
}

/// What to list: tenant restriction, conditions, keyset cursor and page size.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only rows of this tenant (tenant-scoped objects); `None` = all tenants.
    pub tenant_id: Option<i64>,
    /// ANDed conditions.
    pub conditions: Vec<Condition>,
    /// Only rows with an id greater than this (keyset pagination).
    pub after_id: Option<i64>,
    /// At most this many rows.
    pub limit: Option<i64>,
}

/// Result names of the id and the tenant link in [`select_sql`]: aliased, so a declared column of the
/// same name (a global object's `te_code`) cannot shadow them; the declared columns keep their names.
const ID_ALIAS: &str = "obj_row_id";
const TENANT_ID_ALIAS: &str = "obj_row_tenant_id";
const TENANT_CODE_ALIAS: &str = "obj_row_tenant_code";

fn select_sql(def: &ObjectDef) -> String {
    debug_assert!(
        def.fields.iter().all(|f| ![ID_ALIAS, TENANT_ID_ALIAS, TENANT_CODE_ALIAS].contains(&f.name)),
        "{}: a declared column is named like a select_sql alias",
        def.table
    );
    let mut sql = format!("SELECT o.{} AS {ID_ALIAS}", def.id_column);
    if let Some(col) = def.tenant_column() {
        sql.push_str(&format!(", o.{col} AS {TENANT_ID_ALIAS}, lt.te_code AS {TENANT_CODE_ALIAS}"));
    }
    for field in def.fields {
        sql.push_str(", o.");
        sql.push_str(field.name);
    }
    sql.push_str(&format!(" FROM {} o", def.table));
    if let Some(col) = def.tenant_column() {
        sql.push_str(&format!(" LEFT JOIN te_tenants lt ON lt.te_id = o.{col}"));
    }
    sql
}

/// Decodes a row of [`select_sql`]. The declared fields are read by position: `select_sql` lists them
/// right after the id (and the tenant link), in declaration order, so their places cannot drift, and a
/// row of a wide object (an extension has over 100 columns) costs no name lookup per column.
fn decode(def: &'static ObjectDef, row: &AnyRow) -> StoreResult<Row> {
    let id: i64 = row.try_get(ID_ALIAS)?;
    let (tenant_id, tenant_code) = if def.tenant_column().is_some() {
        (row.try_get::<Option<i64>, _>(TENANT_ID_ALIAS)?, row.try_get::<Option<String>, _>(TENANT_CODE_ALIAS)?)
    } else {
        (None, None)
    };
    let first_field = if def.tenant_column().is_some() { 3 } else { 1 };
    let mut values = Vec::with_capacity(def.fields.len());
    for (i, field) in def.fields.iter().enumerate() {
        let at = first_field + i;
        let value = match field.kind {
            FieldKind::Flag => Value::Int(row.try_get::<Option<i64>, _>(at)?.unwrap_or(0)),
            FieldKind::Text | FieldKind::NullableText => match row.try_get::<Option<String>, _>(at)? {
                Some(s) => Value::Text(s),
                None => Value::Null,
            },
        };
        values.push(value);
    }
    Ok(Row { def, id, tenant_id, tenant_code, values })
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind<'q>(query: AnyQuery<'q>, value: &Value) -> AnyQuery<'q> {
    match value {
        Value::Null => query.bind(None::<String>),
        Value::Text(s) => query.bind(s.clone()),
        Value::Int(i) => query.bind(*i),
    }
}

/// Loads one row by id, restricted to a tenant when given.
pub async fn get(
    conn: &mut AnyConnection,
    def: &'static ObjectDef,
    tenant_id: Option<i64>,
    id: i64,
) -> StoreResult<Option<Row>> {
    get_locked(conn, def, tenant_id, id, None).await
}

/// A row lock a write transaction takes while reading a row, so a concurrent write cannot leave a
/// reference to a deleted row: the deleter locks the row for update before it looks for references,
/// a writer linking to it holds a key-share lock until it commits, and the two wait for each
/// other. PostgreSQL only: SQLite's writers are serialised by `BEGIN IMMEDIATE`, so there the read
/// is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowLock {
    /// The row is about to be deleted.
    Update,
    /// The row is about to be referenced: it must outlive the transaction.
    KeyShare,
}

/// [`get`], locking the row for the rest of the transaction.
#[tracing::instrument(name = "store.objects.get", skip_all, fields(table = def.table))]
pub async fn get_locked(
    conn: &mut AnyConnection,
    def: &'static ObjectDef,
    tenant_id: Option<i64>,
    id: i64,
    lock: Option<RowLock>,
) -> StoreResult<Option<Row>> {
    let mut sql = select_sql(def);
    sql.push_str(&format!(" WHERE o.{} = $1", def.id_column));
    let tenant = tenant_filter(def, tenant_id);
    if let Some((col, _)) = tenant {
        sql.push_str(&format!(" AND o.{col} = $2"));
    }
    if is_postgres(conn) {
        // `OF o`: the tenant join is an outer one, whose nullable side cannot be locked.
        match lock {
            Some(RowLock::Update) => sql.push_str(" FOR UPDATE OF o"),
            Some(RowLock::KeyShare) => sql.push_str(" FOR KEY SHARE OF o"),
            None => {}
        }
    }
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(id);
    if let Some((_, tid)) = tenant {
        query = query.bind(tid);
    }
    let row = query.fetch_optional(&mut *conn).await?;
    row.map(|r| decode(def, &r)).transpose()
}

/// The rows of `def` with these ids (any tenant), in id order; missing ids are left out. One query
/// per 500 ids instead of one per id.
#[tracing::instrument(name = "store.objects.get_many", skip_all, fields(table = def.table, ids = ids.len()))]
pub async fn get_many(conn: &mut AnyConnection, def: &'static ObjectDef, ids: &[i64]) -> StoreResult<Vec<Row>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(super::IN_LIST_CHUNK) {
        let mut sql = select_sql(def);
        let list = super::placeholders(1, chunk.len());
        sql.push_str(&format!(" WHERE o.{} IN ({list}) ORDER BY o.{}", def.id_column, def.id_column));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            rows.push(decode(def, &row)?);
        }
    }
    rows.sort_by_key(|row| row.id);
    Ok(rows)
}

/// Whether `conn` talks to PostgreSQL (row locks and case-insensitive LIKE are spelt differently).
fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME
}

/// Lists rows in id order.
#[tracing::instrument(name = "store.objects.list", skip_all, fields(table = def.table))]
pub async fn list(conn: &mut AnyConnection, def: &'static ObjectDef, q: &ListQuery) -> StoreResult<Vec<Row>> {
    let mut sql = select_sql(def);
    let mut clauses = Vec::new();
    let mut binds: Vec<Value> = Vec::new();
    if let Some((col, tid)) = tenant_filter(def, q.tenant_id) {
        binds.push(Value::Int(tid));
        clauses.push(format!("o.{col} = ${}", binds.len()));
    }
    let postgres = is_postgres(conn);
    for cond in &q.conditions {
        binds.push(if cond.op == CondOp::Like { like_pattern(&cond.value) } else { cond.value.clone() });
        let (column, value) = (format!("o.{}", cond.column), format!("${}", binds.len()));
        clauses.push(match cond.op {
            CondOp::Eq => format!("{column} = {value}"),
            CondOp::Ne => format!("{column} <> {value}"),
            CondOp::Like => like(postgres, &column, &value),
        });
    }
    if let Some(after) = q.after_id {
        binds.push(Value::Int(after));
        clauses.push(format!("o.{} > ${}", def.id_column, binds.len()));
    }
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(&format!(" ORDER BY o.{}", def.id_column));
    if let Some(limit) = q.limit {
        binds.push(Value::Int(limit));
        sql.push_str(&format!(" LIMIT ${}", binds.len()));
    }
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in &binds {
        query = bind(query, value);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(|r| decode(def, r)).collect()
}

/// `column LIKE pattern` by one rule on both backends, the legacy MySQL's: ASCII letters match in
/// any case, `%` and `_` are wildcards, `\` makes the next character literal. SQLite's LIKE folds
/// ASCII letters and only those; PostgreSQL's LIKE folds none and its ILIKE folds by the database's
/// locale (`É` and `é` alike under C.UTF-8, unlike SQLite), so there it is ILIKE under the "C"
/// collation, which folds exactly ASCII. Other letters compare as stored on both.
fn like(postgres: bool, column: &str, pattern: &str) -> String {
    let operator = if postgres { "COLLATE \"C\" ILIKE" } else { "LIKE" };
    format!("{column} {operator} {pattern} ESCAPE '\\'")
}

/// The pattern with a dangling trailing `\` made literal (as MySQL takes it): PostgreSQL would
/// fail on it and SQLite would match nothing.
fn like_pattern(value: &Value) -> Value {
    match value {
        Value::Text(p) if (p.len() - p.trim_end_matches('\\').len()) % 2 == 1 => Value::Text(format!("{p}\\")),
        other => other.clone(),
    }
}

/// Inserts a row and returns its new id.
#[tracing::instrument(name = "store.objects.insert", skip_all, fields(table = def.table))]
pub async fn insert(
    conn: &mut AnyConnection,
    def: &'static ObjectDef,
    tenant_id: Option<i64>,
    changes: &Changes,
) -> StoreResult<i64> {
    let mut columns: Vec<&str> = Vec::new();
    let mut binds: Vec<Value> = Vec::new();
    if let Some(col) = def.tenant_column() {
        columns.push(col);
        binds.push(tenant_id.map_or(Value::Null, Value::Int));
    }
    for (column, value) in changes {
        columns.push(column);
        binds.push(value.clone());
    }
    let placeholders = super::placeholders(1, binds.len());
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) RETURNING {}",
        def.table,
        columns.join(", "),
        placeholders,
        def.id_column
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in &binds {
        query = bind(query, value);
    }
    let row = query.fetch_one(&mut *conn).await.map_err(StoreError::classify)?;
    Ok(row.try_get(def.id_column)?)
}

/// Updates a row; returns whether it existed (within the tenant when given).
#[tracing::instrument(name = "store.objects.update", skip_all, fields(table = def.table))]
pub async fn update(
    conn: &mut AnyConnection,
    def: &'static ObjectDef,
    tenant_id: Option<i64>,
    id: i64,
    changes: &Changes,
) -> StoreResult<bool> {
    if changes.is_empty() {
        return Ok(get(conn, def, tenant_id, id).await?.is_some());
    }
    let mut binds: Vec<Value> = Vec::new();
    let mut sets = Vec::new();
    for (column, value) in changes {
        binds.push(value.clone());
        sets.push(format!("{column} = ${}", binds.len()));
    }
    binds.push(Value::Int(id));
    let mut sql = format!("UPDATE {} SET {} WHERE {} = ${}", def.table, sets.join(", "), def.id_column, binds.len());
    if let Some((col, tid)) = tenant_filter(def, tenant_id) {
        binds.push(Value::Int(tid));
        sql.push_str(&format!(" AND {col} = ${}", binds.len()));
    }
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in &binds {
        query = bind(query, value);
    }
    let result = query.execute(&mut *conn).await.map_err(StoreError::classify)?;
    Ok(result.rows_affected() > 0)
}

/// Deletes a row; returns whether it existed (within the tenant when given).
#[tracing::instrument(name = "store.objects.delete", skip_all, fields(table = def.table))]
pub async fn delete(
    conn: &mut AnyConnection,
    def: &'static ObjectDef,
    tenant_id: Option<i64>,
    id: i64,
) -> StoreResult<bool> {
    let mut sql = format!("DELETE FROM {} WHERE {} = $1", def.table, def.id_column);
    let tenant = tenant_filter(def, tenant_id);
    if let Some((col, _)) = tenant {
        sql.push_str(&format!(" AND {col} = $2"));
    }
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(id);
    if let Some((_, tid)) = tenant {
        query = query.bind(tid);
    }
    let result = query.execute(&mut *conn).await.map_err(StoreError::classify)?;
    Ok(result.rows_affected() > 0)
}

/// The first row (by id) whose `column` equals `value`, in any tenant: for lookups by a unique
/// natural key (tenant code, username).
#[tracing::instrument(name = "store.objects.find_by", skip_all, fields(table = def.table))]
pub async fn find_by(
    conn: &mut AnyConnection,
    def: &'static ObjectDef,
    column: &'static str,
    value: &str,
) -> StoreResult<Option<Row>> {
    let query = ListQuery {
        conditions: vec![Condition { column, op: CondOp::Eq, value: Value::Text(value.to_string()) }],
        limit: Some(1),
        ..Default::default()
    };
    Ok(list(conn, def, &query).await?.into_iter().next())
}

/// Counts the rows of `def` that belong to a tenant (to refuse deleting a non-empty tenant).
pub async fn count_in_tenant(conn: &mut AnyConnection, def: &'static ObjectDef, tenant_id: i64) -> StoreResult<i64> {
    let Some(col) = def.tenant_column() else {
        return Ok(0);
    };
    let sql = format!("SELECT COUNT(*) AS n FROM {} WHERE {col} = $1", def.table);
    let row = sqlx::query(AssertSqlSafe(sql)).bind(tenant_id).fetch_one(&mut *conn).await?;
    Ok(row.try_get("n")?)
}

fn tenant_filter(def: &ObjectDef, tenant_id: Option<i64>) -> Option<(&'static str, i64)> {
    Some((def.tenant_column()?, tenant_id?))
}
