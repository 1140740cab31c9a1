//! Same schema on both backends: a fresh SQLite and a fresh PostgreSQL database, each migrated by
//! the gateway's own migrator (`migrations/sqlite` or `migrations/postgres`, plus
//! `migrations/common`), must have the same tables, columns (type family, nullability, default),
//! primary keys, unique constraints, indexes, foreign keys, CHECK constraints and views. Each
//! schema is read back from the database's catalogue, not from the migration files, so what is
//! compared is what the engine made of them. Runs in the PostgreSQL pass only.

use std::collections::{BTreeMap, BTreeSet};

use pbx_gateway::store::Db;
use sqlx::AnyPool;

use crate::helpers::{TestDb, postgres_base_url};

/// Differences made on purpose, each documented in its migration: (fact key, reason).
const DELIBERATE: &[(&str, &str)] = &[(
    "view pbx_cdr_in",
    "SQLite only: the CDR intake view of the nodes' cdr_sqlite3_custom, which can write neither \
     NULL nor UTC (migrations/sqlite/0015_pbx_cdr_intake.sql); PostgreSQL nodes write `cdr` directly",
)];

/// The migrator's own bookkeeping, not part of the gateway's schema.
const BOOKKEEPING: &str = "_sqlx_migrations";

/// A schema as comparable facts: a key naming one thing (`column te_tenants.te_code`) and its
/// normalised description (`text, not null, default ''`).
#[derive(Debug, Default)]
struct Facts(BTreeMap<String, String>);

impl Facts {
    /// Records a fact; a second one under the same key (say, two identical indexes) is kept too.
    fn add(&mut self, key: String, value: String) {
        self.0.entry(key).and_modify(|v| v.push_str(&format!(" + {value}"))).or_insert(value);
    }
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_create_the_same_schema() {
    let Some(admin_url) = postgres_base_url() else {
        eprintln!(
            "SKIPPED sqlite_and_postgres_migrations_create_the_same_schema: it needs PostgreSQL, so it runs in the \
             PostgreSQL pass only (PBXGW_TEST_DATABASE_URL is not set)."
        );
        return;
    };
    let sqlite = Db::connect("sqlite::memory:").await.expect("in-memory SQLite");
    sqlite.migrate().await.expect("SQLite migrations");
    let pg_db = TestDb::create_on_postgres(&admin_url).await;
    let postgres = Db::connect(&pg_db.url).await.expect("PostgreSQL database");
    postgres.migrate().await.expect("PostgreSQL migrations");

    let sqlite_facts = sqlite_schema(sqlite.pool()).await;
    let postgres_facts = postgres_schema(postgres.pool()).await;
    sqlite.close().await;
    postgres.close().await;
    assert!(sqlite_facts.0.len() > 100, "too few facts read from SQLite: {sqlite_facts:?}");
    assert!(postgres_facts.0.len() > 100, "too few facts read from PostgreSQL: {postgres_facts:?}");

    let mut found = differences(&sqlite_facts, &postgres_facts);
    let stale: Vec<&str> = DELIBERATE.iter().map(|(key, _)| *key).filter(|key| !found.contains_key(*key)).collect();
    found.retain(|key, _| !DELIBERATE.iter().any(|(deliberate, _)| deliberate == key));
    let report: Vec<&str> = found.values().map(String::as_str).collect();
    assert!(
        report.is_empty(),
        "the migrated schemas differ in {} places (fix with a new migration, or allow-list a documented choice):\n  {}",
        report.len(),
        report.join("\n  ")
    );
    assert!(stale.is_empty(), "allow-listed differences that no longer exist: {stale:?}");
}

/// Every difference by key, as one readable line each.
fn differences(sqlite: &Facts, postgres: &Facts) -> BTreeMap<String, String> {
    let keys: BTreeSet<&String> = sqlite.0.keys().chain(postgres.0.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let line = match (sqlite.0.get(key), postgres.0.get(key)) {
                (Some(s), Some(p)) if s == p => return None,
                (Some(s), Some(p)) => format!("{key}: SQLite `{s}`, PostgreSQL `{p}`"),
                (Some(s), None) => format!("{key}: only on SQLite `{s}`"),
                (None, Some(p)) => format!("{key}: only on PostgreSQL `{p}`"),
                (None, None) => unreachable!("the key comes from one of the two"),
            };
            Some((key.clone(), line))
        })
        .collect()
}

// ---------------------------------------------------------------- normalisation shared by both

/// The type family of a declared type, by SQLite's affinity rules extended to PostgreSQL's names.
fn type_family(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    let family = if t.contains("int") || t.contains("serial") {
        "integer"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("timestamp") || t == "date" || t.starts_with("time") {
        "timestamp"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("blob") || t == "bytea" {
        "blob"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") || t.contains("numeric") {
        "real"
    } else {
        return format!("unknown type {declared:?}");
    };
    family.to_string()
}

/// A column's description: type family, nullability, default (`auto` for generated keys).
fn column_fact(declared_type: &str, not_null: bool, default: Option<&str>) -> String {
    let default = match default {
        None => "no default".to_string(),
        Some(d) if d == "auto" || d.starts_with("nextval(") => "default auto".to_string(),
        Some(d) => format!("default {}", expression(d)),
    };
    let null = if not_null { "not null" } else { "null" };
    format!("{}, {null}, {default}", type_family(declared_type))
}

/// An SQL expression without PostgreSQL's explicit casts (`''::text`), redundant outer
/// parentheses and layout, so both catalogues' renderings of one expression meet.
fn expression(sql: &str) -> String {
    let mut out = String::new();
    let mut chars = sql.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                while let Some(q) = chars.next() {
                    out.push(q);
                    if q == '\'' && chars.peek() != Some(&'\'') {
                        break;
                    } else if q == '\'' {
                        out.extend(chars.next());
                    }
                }
            }
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                while chars.next_if(|t| t.is_ascii_alphanumeric() || "_[]".contains(*t)).is_some() {}
            }
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    let mut expr = out.trim().to_string();
    while expr.starts_with('(') && expr.ends_with(')') && closing_paren(&expr) == Some(expr.len() - 1) {
        expr = expr[1..expr.len() - 1].trim().to_string();
    }
    expr
}

/// Where the parenthesis opening `text` closes.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 0;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A token of SQL text (comments dropped), enough to read CHECK constraints.
#[derive(Debug, PartialEq)]
enum Token {
    /// A bare or double-quoted identifier, or a keyword (lower-cased).
    Word(String),
    /// A string literal, unquoted.
    Literal(String),
    /// Any other character.
    Symbol(char),
}

fn tokens(sql: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let mut text = String::new();
                while let Some(q) = chars.next() {
                    if q == c && chars.next_if_eq(&c).is_none() {
                        break;
                    }
                    text.push(q);
                }
                out.push(if c == '"' { Token::Word(text.to_lowercase()) } else { Token::Literal(text) });
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = c.to_string();
                while let Some(w) = chars.next_if(|w| w.is_alphanumeric() || *w == '_') {
                    word.push(w);
                }
                out.push(Token::Word(word.to_lowercase()));
            }
            '-' if chars.peek() == Some(&'-') => while chars.next_if(|c| *c != '\n').is_some() {},
            '/' if chars.peek() == Some(&'*') => {
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            c if c.is_whitespace() => {}
            c => out.push(Token::Symbol(c)),
        }
    }
    out
}

/// The bodies of the `CHECK (...)` clauses in `sql` (a CREATE TABLE or a constraint definition).
fn check_bodies(sql: &str) -> Vec<Vec<Token>> {
    let mut all = tokens(sql).into_iter().peekable();
    let mut bodies = Vec::new();
    while let Some(token) = all.next() {
        if token != Token::Word("check".into()) || all.next_if_eq(&Token::Symbol('(')).is_none() {
            continue;
        }
        let mut body = Vec::new();
        let mut depth = 1;
        for t in all.by_ref() {
            match t {
                Token::Symbol('(') => depth += 1,
                Token::Symbol(')') => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            body.push(t);
        }
        bodies.push(body);
    }
    bodies
}

/// A CHECK constraint as both catalogues can tell it: the columns it reads (key) and the
/// literals it compares them with (value); the operators are spelt too differently to compare.
fn check_fact(table: &str, body: &[Token], columns: &BTreeSet<String>) -> (String, String) {
    let read: BTreeSet<&str> = body
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) if columns.contains(w) => Some(w.as_str()),
            _ => None,
        })
        .collect();
    let literals: BTreeSet<String> = body
        .iter()
        .filter_map(|t| match t {
            Token::Literal(l) => Some(format!("'{l}'")),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = read.into_iter().collect();
    let literals: Vec<String> = literals.into_iter().collect();
    (format!("check {table} ({})", names.join(", ")), format!("literals [{}]", literals.join(", ")))
}

/// An index's description: uniqueness and, for a partial index, its predicate.
fn index_fact(unique: bool, predicate: Option<&str>) -> String {
    let kind = if unique { "unique" } else { "non-unique" };
    match predicate {
        Some(p) => format!("{kind} where {}", expression(p)),
        None => kind.to_string(),
    }
}

/// A foreign key's description, actions in SQLite's spelling.
fn foreign_key_fact(parent: &str, parent_columns: &str, on_delete: &str, on_update: &str) -> String {
    format!("references {parent} ({parent_columns}) on delete {on_delete} on update {on_update}")
}

// ---------------------------------------------------------------- SQLite's catalogue

async fn sqlite_schema(pool: &AnyPool) -> Facts {
    let mut facts = Facts::default();
    let objects: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' \
         ESCAPE '\\' AND name <> $1 ORDER BY name",
    )
    .bind(BOOKKEEPING)
    .fetch_all(pool)
    .await
    .expect("sqlite_master");
    for (kind, name, sql) in &objects {
        // name, declared type, NOT NULL, default, position in the primary key (0: none)
        let columns: Vec<(String, String, i64, Option<String>, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid")
                .bind(name)
                .fetch_all(pool)
                .await
                .expect("pragma_table_info");
        if kind == "view" {
            let names: Vec<&str> = columns.iter().map(|c| c.0.as_str()).collect();
            facts.add(format!("view {name}"), format!("({})", names.join(", ")));
            continue;
        }
        facts.add(format!("table {name}"), String::new());
        let mut key: Vec<(i64, &str)> = columns.iter().filter(|c| c.4 > 0).map(|c| (c.4, c.0.as_str())).collect();
        key.sort();
        // A lone INTEGER PRIMARY KEY is the rowid: never NULL, generated when not given.
        let rowid = match key.as_slice() {
            [(_, column)] if !sql.to_ascii_uppercase().contains("WITHOUT ROWID") => {
                columns.iter().find(|c| c.0 == *column && c.1.eq_ignore_ascii_case("INTEGER")).map(|c| c.0.as_str())
            }
            _ => None,
        };
        for (column, declared, not_null, default, _) in &columns {
            let fact = if rowid == Some(column.as_str()) {
                column_fact(declared, true, Some("auto"))
            } else {
                column_fact(declared, *not_null != 0, default.as_deref())
            };
            facts.add(format!("column {name}.{column}"), fact);
        }
        if !key.is_empty() {
            let names: Vec<&str> = key.iter().map(|(_, c)| *c).collect();
            facts.add(format!("primary key {name}"), format!("({})", names.join(", ")));
        }
        let column_names: BTreeSet<String> = columns.iter().map(|c| c.0.to_lowercase()).collect();
        for body in check_bodies(sql) {
            let (key, value) = check_fact(name, &body, &column_names);
            facts.add(key, value);
        }
        sqlite_indexes(pool, name, &mut facts).await;
        sqlite_foreign_keys(pool, name, &mut facts).await;
    }
    facts
}

async fn sqlite_indexes(pool: &AnyPool, table: &str, facts: &mut Facts) {
    let indexes: Vec<(String, i64, String, i64)> =
        sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
            .bind(table)
            .fetch_all(pool)
            .await
            .expect("pragma_index_list");
    for (index, unique, origin, partial) in indexes {
        // The primary key's own index is the primary key fact.
        if origin == "pk" {
            continue;
        }
        let columns: Vec<(Option<String>,)> = sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
            .bind(&index)
            .fetch_all(pool)
            .await
            .expect("pragma_index_info");
        let columns: Vec<String> =
            columns.into_iter().map(|(c,)| c.unwrap_or_else(|| "<expression>".to_string())).collect();
        let columns = columns.join(", ");
        if origin == "u" {
            facts.add(format!("unique constraint {table} ({columns})"), String::new());
            continue;
        }
        let predicate = if partial != 0 {
            let sql: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
                .bind(&index)
                .fetch_one(pool)
                .await
                .expect("index definition");
            let at = sql.to_ascii_uppercase().rfind(" WHERE ").expect("a partial index has a WHERE");
            Some(sql[at + " WHERE ".len()..].to_string())
        } else {
            None
        };
        facts.add(format!("index {table} ({columns})"), index_fact(unique != 0, predicate.as_deref()));
    }
}

/// One column pair of a foreign key: key id, parent table, child column, parent column, actions.
type ForeignKeyPart = (i64, String, String, String, String, String);

async fn sqlite_foreign_keys(pool: &AnyPool, table: &str, facts: &mut Facts) {
    // `to` is NULL when the key names the parent's primary key implicitly: its column at `seq`.
    let rows: Vec<ForeignKeyPart> = sqlx::query_as(
        "SELECT f.id, f.\"table\", f.\"from\", \
         COALESCE(f.\"to\", (SELECT p.name FROM pragma_table_info(f.\"table\") p WHERE p.pk = f.seq + 1)), \
         f.on_update, f.on_delete FROM pragma_foreign_key_list($1) f ORDER BY f.id, f.seq",
    )
    .bind(table)
    .fetch_all(pool)
    .await
    .expect("pragma_foreign_key_list");
    let mut keys: BTreeMap<i64, Vec<&ForeignKeyPart>> = BTreeMap::new();
    for row in &rows {
        keys.entry(row.0).or_default().push(row);
    }
    for parts in keys.values() {
        let (_, parent, _, _, on_update, on_delete) = parts[0];
        let from: Vec<&str> = parts.iter().map(|p| p.2.as_str()).collect();
        let to: Vec<&str> = parts.iter().map(|p| p.3.as_str()).collect();
        facts.add(
            format!("foreign key {table} ({})", from.join(", ")),
            foreign_key_fact(parent, &to.join(", "), on_delete, on_update),
        );
    }
}

// ---------------------------------------------------------------- PostgreSQL's catalogue

/// The relations of the current schema, `pg_class` as `t` joined to `pg_namespace`.
const PG_RELATIONS: &str =
    "pg_class t JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = current_schema()";

/// `string_agg` of the column names `attnums` (an array of attribute numbers) of relation `rel`.
fn pg_column_list(attnums: &str, rel: &str) -> String {
    format!(
        "(SELECT string_agg(COALESCE(a.attname::text, '<expression>'), ', ' ORDER BY k.n) \
         FROM unnest({attnums}) WITH ORDINALITY k(num, n) \
         LEFT JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.num AND k.num > 0)"
    )
}

async fn postgres_schema(pool: &AnyPool) -> Facts {
    let mut facts = Facts::default();
    let sql = format!(
        "SELECT t.relkind::text, t.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
         CASE WHEN a.attnotnull THEN 1 ELSE 0 END::bigint, \
         CASE WHEN a.attidentity <> '' THEN 'auto' ELSE pg_get_expr(d.adbin, d.adrelid) END \
         FROM {PG_RELATIONS} \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped \
         LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum \
         WHERE t.relkind IN ('r', 'p', 'v', 'm') AND t.relname <> $1 ORDER BY t.relname, a.attnum"
    );
    let columns: Vec<(String, String, String, String, i64, Option<String>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(BOOKKEEPING).fetch_all(pool).await.expect("pg_attribute");
    let mut views: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut table_columns: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (kind, table, column, declared, not_null, default) in &columns {
        if kind == "v" || kind == "m" {
            views.entry(table).or_default().push(column);
            continue;
        }
        let names = table_columns.entry(table).or_insert_with(|| {
            facts.add(format!("table {table}"), String::new());
            BTreeSet::new()
        });
        names.insert(column.to_lowercase());
        facts.add(format!("column {table}.{column}"), column_fact(declared, *not_null != 0, default.as_deref()));
    }
    for (view, names) in views {
        facts.add(format!("view {view}"), format!("({})", names.join(", ")));
    }

    let sql = format!(
        "SELECT t.relname::text, c.contype::text, {}, p.relname::text, {}, \
         c.confdeltype::text, c.confupdtype::text, pg_get_constraintdef(c.oid) \
         FROM pg_constraint c JOIN {PG_RELATIONS} ON t.oid = c.conrelid LEFT JOIN pg_class p ON p.oid = c.confrelid \
         WHERE t.relname <> $1 ORDER BY t.relname, c.conname",
        pg_column_list("c.conkey", "c.conrelid"),
        pg_column_list("c.confkey", "c.confrelid"),
    );
    type Constraint = (String, String, Option<String>, Option<String>, Option<String>, String, String, String);
    let constraints: Vec<Constraint> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(BOOKKEEPING).fetch_all(pool).await.expect("pg_constraint");
    for (table, kind, columns, parent, parent_columns, on_delete, on_update, definition) in constraints {
        let columns = columns.unwrap_or_default();
        match kind.as_str() {
            "p" => facts.add(format!("primary key {table}"), format!("({columns})")),
            "u" => facts.add(format!("unique constraint {table} ({columns})"), String::new()),
            "f" => facts.add(
                format!("foreign key {table} ({columns})"),
                foreign_key_fact(
                    &parent.unwrap_or_default(),
                    &parent_columns.unwrap_or_default(),
                    pg_action(&on_delete),
                    pg_action(&on_update),
                ),
            ),
            "c" => {
                let names = &table_columns[table.as_str()];
                for body in check_bodies(&definition) {
                    let (key, value) = check_fact(&table, &body, names);
                    facts.add(key, value);
                }
            }
            other => facts.add(format!("constraint {table} {other} ({columns})"), definition),
        }
    }

    // Indexes of their own, not those behind a primary key or unique constraint.
    let sql = format!(
        "SELECT t.relname::text, CASE WHEN i.indisunique THEN 1 ELSE 0 END::bigint, {}, \
         pg_get_expr(i.indpred, i.indrelid) \
         FROM pg_index i JOIN {PG_RELATIONS} ON t.oid = i.indrelid \
         WHERE t.relkind IN ('r', 'p') AND t.relname <> $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
           WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))",
        pg_column_list("(i.indkey::int2[])[0:i.indnkeyatts - 1]", "i.indrelid"),
    );
    let indexes: Vec<(String, i64, String, Option<String>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(BOOKKEEPING).fetch_all(pool).await.expect("pg_index");
    for (table, unique, columns, predicate) in indexes {
        facts.add(format!("index {table} ({columns})"), index_fact(unique != 0, predicate.as_deref()));
    }
    facts
}

/// A PostgreSQL referential action code in SQLite's words.
fn pg_action(code: &str) -> &'static str {
    match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "unknown action",
    }
}

#[test]
fn catalogue_renderings_of_one_expression_meet() {
    assert_eq!(expression("(qu_number <> ''::text)"), "qu_number <> ''");
    assert_eq!(expression("qu_number <> ''"), "qu_number <> ''");
    assert_eq!(expression("'it''s'::character"), "'it''s'");
    assert_eq!(expression("(a) AND (b)"), "(a) AND (b)");
    assert_eq!(column_fact("BIGINT", true, Some("0")), column_fact("bigint", true, Some("0")));
    assert_eq!(column_fact("TEXT", true, Some("''")), column_fact("text", true, Some("''::text")));
    assert_eq!(column_fact("INTEGER", true, Some("auto")), column_fact("bigint", true, Some("nextval('s'::regclass)")));
    let columns: BTreeSet<String> = ["us_role".to_string()].into();
    let sqlite = "us_role TEXT NOT NULL DEFAULT 'viewer' CHECK (us_role IN ('admin', 'operator', 'viewer')),";
    let postgres = "CHECK ((us_role = ANY (ARRAY['admin'::text, 'operator'::text, 'viewer'::text])))";
    let facts = |sql: &str| -> Vec<(String, String)> {
        check_bodies(sql).iter().map(|b| check_fact("us_users", b, &columns)).collect()
    };
    assert_eq!(facts(sqlite), facts(postgres));
    assert_eq!(facts(sqlite), [("check us_users (us_role)".into(), "literals ['admin', 'operator', 'viewer']".into())]);
}
