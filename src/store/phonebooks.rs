//! Phonebooks (`pb_phonebooks`), their entries (`pe_entries`) and the entries' field/value pairs
//! (`pf_fields`). Searches take a ready LIKE pattern (built and escaped by the service) as a bound
//! parameter; no SQL text depends on input.

use sqlx::{AnyConnection, Row as _};

use super::{StoreError, StoreResult, now_text};

/// A phonebook with its entry count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Phonebook {
    /// `pb_id`.
    pub id: i64,
    /// Name, unique within the tenant.
    pub name: String,
    /// How many entries it holds.
    pub entries: i64,
}

/// An entry: its id (`peid`) and its fields in the order they were sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// `pe_id`, the legacy `peid`.
    pub id: i64,
    /// `(lower-case field name, value)` pairs.
    pub fields: Vec<(String, String)>,
}

impl Entry {
    /// The value of field `name` (lower-case), if the entry has it.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(f, _)| f == name).map(|(_, v)| v.as_str())
    }
}

/// One field of an entry to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewField {
    /// Lower-case field name.
    pub name: String,
    /// Value as sent.
    pub value: String,
    /// The value folded for case-insensitive search.
    pub folded: String,
}

/// A search: entries having field `field` whose folded value matches `pattern`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// Lower-case field name.
    pub field: String,
    /// LIKE pattern over folded values, with `\` as the escape character.
    pub pattern: String,
}

const LIST: &str = "SELECT p.pb_id, p.pb_name, \
     (SELECT COUNT(*) FROM pe_entries e WHERE e.pe_pb_id = p.pb_id) AS entries \
     FROM pb_phonebooks p WHERE p.pb_te_id = $1 AND p.pb_id > $2 ORDER BY p.pb_id LIMIT $3";

const FIND: &str = "SELECT p.pb_id, p.pb_name, \
     (SELECT COUNT(*) FROM pe_entries e WHERE e.pe_pb_id = p.pb_id) AS entries \
     FROM pb_phonebooks p WHERE p.pb_te_id = $1 AND p.pb_name = $2";

fn decode_phonebook(r: &sqlx::any::AnyRow) -> StoreResult<Phonebook> {
    Ok(Phonebook { id: r.try_get("pb_id")?, name: r.try_get("pb_name")?, entries: r.try_get("entries")? })
}

/// A tenant's phonebooks in id order, after `after_id`, at most `limit`.
pub async fn list(conn: &mut AnyConnection, tenant_id: i64, after_id: i64, limit: i64) -> StoreResult<Vec<Phonebook>> {
    let rows = sqlx::query(LIST).bind(tenant_id).bind(after_id).bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(decode_phonebook).collect()
}

/// A tenant's phonebook by its exact name.
pub async fn find(conn: &mut AnyConnection, tenant_id: i64, name: &str) -> StoreResult<Option<Phonebook>> {
    let row = sqlx::query(FIND).bind(tenant_id).bind(name.to_string()).fetch_optional(&mut *conn).await?;
    row.as_ref().map(decode_phonebook).transpose()
}

/// Creates a phonebook; `StoreError::Duplicate` when the tenant has one of that name.
pub async fn create(conn: &mut AnyConnection, tenant_id: i64, name: &str) -> StoreResult<i64> {
    let row =
        sqlx::query("INSERT INTO pb_phonebooks (pb_te_id, pb_name, pb_created_at) VALUES ($1, $2, $3) RETURNING pb_id")
            .bind(tenant_id)
            .bind(name.to_string())
            .bind(now_text())
            .fetch_one(&mut *conn)
            .await
            .map_err(StoreError::classify)?;
    Ok(row.try_get("pb_id")?)
}

/// Creates a phonebook unless the tenant has one of that name (for "created on first add": a
/// concurrent first add then finds the other's row instead of failing).
pub async fn ensure(conn: &mut AnyConnection, tenant_id: i64, name: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO pb_phonebooks (pb_te_id, pb_name, pb_created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (pb_te_id, pb_name) DO NOTHING",
    )
    .bind(tenant_id)
    .bind(name.to_string())
    .bind(now_text())
    .execute(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// Deletes a phonebook with its entries; returns whether it existed in the tenant.
pub async fn delete(conn: &mut AnyConnection, tenant_id: i64, phonebook_id: i64) -> StoreResult<bool> {
    let result = sqlx::query("DELETE FROM pb_phonebooks WHERE pb_te_id = $1 AND pb_id = $2")
        .bind(tenant_id)
        .bind(phonebook_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Adds an entry with its fields; returns its id.
pub async fn add_entry(conn: &mut AnyConnection, phonebook_id: i64, fields: &[NewField]) -> StoreResult<i64> {
    let row = sqlx::query("INSERT INTO pe_entries (pe_pb_id, pe_created_at) VALUES ($1, $2) RETURNING pe_id")
        .bind(phonebook_id)
        .bind(now_text())
        .fetch_one(&mut *conn)
        .await?;
    let id: i64 = row.try_get("pe_id")?;
    for (pos, field) in (0_i64..).zip(fields) {
        sqlx::query(
            "INSERT INTO pf_fields (pf_pe_id, pf_name, pf_pos, pf_value, pf_folded) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(field.name.clone())
        .bind(pos)
        .bind(field.value.clone())
        .bind(field.folded.clone())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(id)
}

const ENTRY_FIELDS: &str = "SELECT f.pf_pe_id, f.pf_name, f.pf_value FROM pf_fields f WHERE f.pf_pe_id IN \
     (SELECT e.pe_id FROM pe_entries e WHERE e.pe_pb_id = $1 AND e.pe_id > $2 ORDER BY e.pe_id LIMIT $3) \
     ORDER BY f.pf_pe_id, f.pf_pos";

const MATCHING_ENTRY_FIELDS: &str = "SELECT f.pf_pe_id, f.pf_name, f.pf_value FROM pf_fields f WHERE f.pf_pe_id IN \
     (SELECT e.pe_id FROM pe_entries e WHERE e.pe_pb_id = $1 AND e.pe_id > $2 AND EXISTS \
     (SELECT 1 FROM pf_fields m WHERE m.pf_pe_id = e.pe_id AND m.pf_name = $4 AND m.pf_folded LIKE $5 ESCAPE '\\') \
     ORDER BY e.pe_id LIMIT $3) \
     ORDER BY f.pf_pe_id, f.pf_pos";

/// Entries of a phonebook in id order, after `after_id`, at most `limit`, optionally only those
/// matching `search`.
pub async fn entries(
    conn: &mut AnyConnection,
    phonebook_id: i64,
    search: Option<&Search>,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<Entry>> {
    let query = match search {
        None => sqlx::query(ENTRY_FIELDS).bind(phonebook_id).bind(after_id).bind(limit),
        Some(s) => sqlx::query(MATCHING_ENTRY_FIELDS)
            .bind(phonebook_id)
            .bind(after_id)
            .bind(limit)
            .bind(s.field.clone())
            .bind(s.pattern.clone()),
    };
    let rows = query.fetch_all(&mut *conn).await?;
    let mut entries: Vec<Entry> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("pf_pe_id")?;
        let field = (r.try_get("pf_name")?, r.try_get("pf_value")?);
        match entries.last_mut() {
            Some(entry) if entry.id == id => entry.fields.push(field),
            _ => entries.push(Entry { id, fields: vec![field] }),
        }
    }
    Ok(entries)
}

/// Deletes one entry of a phonebook; returns whether it was there.
pub async fn delete_entry(conn: &mut AnyConnection, phonebook_id: i64, entry_id: i64) -> StoreResult<bool> {
    let result = sqlx::query("DELETE FROM pe_entries WHERE pe_pb_id = $1 AND pe_id = $2")
        .bind(phonebook_id)
        .bind(entry_id)
        .execute(&mut *conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Deletes every entry of a phonebook; returns how many.
pub async fn clear(conn: &mut AnyConnection, phonebook_id: i64) -> StoreResult<u64> {
    let result =
        sqlx::query("DELETE FROM pe_entries WHERE pe_pb_id = $1").bind(phonebook_id).execute(&mut *conn).await?;
    Ok(result.rows_affected())
}
