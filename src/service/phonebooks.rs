//! Phonebooks (legacy PHONEBOOKS / PHONEBOOK reqtypes, REST `phonebooks/{name}/entries`): named
//! per-tenant lists of entries, each entry a set of free field/value pairs.
//!
//! Rules, decided here once for both doors:
//! - Phonebook names are exact (case-sensitive), 1-64 characters, no control characters and none of
//!   `/ \ |` (they appear in URL paths and pipe-separated answers).
//! - Adding entries to a phonebook that does not exist yet creates it (legacy clients have no other
//!   way to create one); every other call on an unknown phonebook is `NotFound(Missing::Phonebook)`.
//! - Field names are case-insensitive and stored lower-case: `NAME`, `Name` and `name` are one
//!   field. They are 1-64 letters, digits, `_` or `-`; `peid` is reserved for the entry id. Values
//!   are at most 1024 characters; an entry has 1-50 fields; one add takes at most 1000 entries.
//! - A search names a field and a value. `%` in the value matches any run of characters; every other
//!   character, `_` included, matches itself; letter case is ignored. Without `%` the value must
//!   match the whole field. The value is a bound parameter, never SQL.

use super::access::{self, Intent, TenantScope};
use super::audit::{self, Change};
use super::page::{Page, PageRequest};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::store::phonebooks::{self as store, Entry, NewField, Phonebook, Search};

/// Longest phonebook name.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest field name.
pub const MAX_FIELD_NAME_CHARS: usize = 64;
/// A field name as a schema shows it ([`field_name`]).
pub const FIELD_NAME_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";
/// Longest field value.
pub const MAX_VALUE_CHARS: usize = 1024;
/// Most fields per entry.
pub const MAX_FIELDS: usize = 50;
/// Most entries per add.
pub const MAX_ENTRIES_PER_ADD: usize = 1000;
/// The entry id's name in legacy answers; not usable as a field name.
pub const ENTRY_ID_FIELD: &str = "peid";

/// Checks a phonebook name for creation.
pub fn phonebook_name(raw: &str) -> ServiceResult<&str> {
    let chars = raw.chars().count();
    let valid = !raw.trim().is_empty()
        && chars <= MAX_NAME_CHARS
        && !raw.chars().any(|c| c.is_control() || matches!(c, '/' | '\\' | '|'));
    if valid {
        Ok(raw)
    } else {
        Err(ServiceError::invalid(
            "phonebook",
            format!("must be 1-{MAX_NAME_CHARS} characters without control characters, /, \\ or |"),
        ))
    }
}

/// The stored (lower-case) form of a field name.
pub fn field_name(raw: &str) -> ServiceResult<String> {
    let valid = !raw.is_empty()
        && raw.chars().count() <= MAX_FIELD_NAME_CHARS
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid {
        return Err(ServiceError::invalid(
            "field",
            format!("field names must be 1-{MAX_FIELD_NAME_CHARS} letters, digits, _ or -"),
        ));
    }
    let name = raw.to_ascii_lowercase();
    if name == ENTRY_ID_FIELD {
        return Err(ServiceError::invalid("field", "peid is the entry id and cannot be a field name"));
    }
    Ok(name)
}

/// The LIKE pattern of a search value: folded like stored values, `%` kept as the wildcard, `_`
/// and the escape character `\` made literal.
pub fn like_pattern(value: &str) -> String {
    let mut pattern = String::with_capacity(value.len());
    for c in fold(value).chars() {
        match c {
            '\\' => pattern.push_str("\\\\"),
            '_' => pattern.push_str("\\_"),
            c => pattern.push(c),
        }
    }
    pattern
}

fn fold(value: &str) -> String {
    value.to_lowercase()
}

fn check_value(value: &str) -> ServiceResult<()> {
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(ServiceError::invalid("value", format!("values must be at most {MAX_VALUE_CHARS} characters")));
    }
    Ok(())
}

/// Validates one entry's `(field, value)` pairs into stored fields.
fn entry_fields(pairs: &[(String, String)]) -> ServiceResult<Vec<NewField>> {
    if pairs.is_empty() || pairs.len() > MAX_FIELDS {
        return Err(ServiceError::invalid("fields", format!("an entry has 1-{MAX_FIELDS} fields")));
    }
    let mut fields: Vec<NewField> = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let name = field_name(name)?;
        check_value(value)?;
        if fields.iter().any(|f| f.name == name) {
            return Err(ServiceError::invalid("field", format!("{name} appears twice (names ignore letter case)")));
        }
        fields.push(NewField { name, folded: fold(value), value: value.clone() });
    }
    Ok(fields)
}

/// A field/value search over a phonebook's entries.
#[derive(Debug, Clone, Copy)]
pub struct EntrySearch<'a> {
    /// Field name, any letter case.
    pub field: &'a str,
    /// Value; `%` is the wildcard.
    pub value: &'a str,
}

impl EntrySearch<'_> {
    fn to_store(self) -> ServiceResult<Search> {
        check_value(self.value)?;
        Ok(Search { field: field_name(self.field)?, pattern: like_pattern(self.value) })
    }
}

/// The audit entry of a change to phonebook `book` (id: its name).
fn book_change(scope: &TenantScope, action: &'static str, book: &Phonebook) -> Change {
    Change::new("phonebook", action).id(&book.name).in_scope(scope)
}

async fn existing(conn: &mut sqlx::AnyConnection, scope: &TenantScope, name: &str) -> ServiceResult<Phonebook> {
    store::find(conn, scope.tenant_id, name).await?.ok_or(ServiceError::NotFound(Missing::Phonebook))
}

/// The tenant's phonebooks, in creation order.
pub async fn list(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    page: PageRequest,
) -> ServiceResult<Page<Phonebook>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    let rows =
        store::list(&mut conn, scope.tenant_id, page.after_id.unwrap_or(0), page.limit.saturating_add(1)).await?;
    Ok(Page::from_overfetch(rows, page.limit, |p| p.id))
}

/// One phonebook by name.
pub async fn get(core: &Core, principal: &Principal, tenant: &str, name: &str) -> ServiceResult<Phonebook> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let mut conn = core.db().pool().acquire().await?;
    existing(&mut conn, &scope, name).await
}

/// Creates an empty phonebook; `Conflict` when the tenant has one of that name.
pub async fn create(core: &Core, principal: &Principal, tenant: &str, name: &str) -> ServiceResult<Phonebook> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let name = phonebook_name(name)?;
    let mut tx = core.db().begin().await?;
    let id = store::create(&mut tx, scope.tenant_id, name).await.map_err(|err| match err {
        crate::store::StoreError::Duplicate => {
            ServiceError::conflict(ConflictKind::Duplicate, "a phonebook of that name exists")
        }
        other => other.into(),
    })?;
    let book = Phonebook { id, name: name.to_string(), entries: 0 };
    audit::record(&mut tx, principal, book_change(&scope, "create", &book).after_view(&book)).await?;
    tx.commit().await?;
    Ok(book)
}

/// Deletes a phonebook with all its entries; refused while destinations route through it.
pub async fn delete(core: &Core, principal: &Principal, tenant: &str, name: &str) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let book = existing(&mut tx, &scope, name).await?;
    super::destinations::before_delete(&mut tx, Some(scope.tenant_id), &super::catalog::PHONEBOOK_TABLE, book.id)
        .await?;
    store::delete(&mut tx, scope.tenant_id, book.id).await?;
    audit::record(&mut tx, principal, book_change(&scope, "delete", &book).before_view(&book)).await?;
    tx.commit().await?;
    Ok(())
}

/// Entries of a phonebook in id order, all or those matching `search`.
pub async fn entries(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    name: &str,
    search: Option<EntrySearch<'_>>,
    page: PageRequest,
) -> ServiceResult<Page<Entry>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let search = search.map(EntrySearch::to_store).transpose()?;
    let mut conn = core.db().pool().acquire().await?;
    let book = existing(&mut conn, &scope, name).await?;
    let limit = page.limit.saturating_add(1);
    let rows = store::entries(&mut conn, book.id, search.as_ref(), page.after_id.unwrap_or(0), limit).await?;
    Ok(Page::from_overfetch(rows, page.limit, |e| e.id))
}

/// Adds entries (each a list of `(field, value)` pairs) in one transaction, creating the phonebook
/// when it does not exist yet; returns the new entries (ids and stored field names) in input order.
pub async fn add(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    name: &str,
    entries: &[Vec<(String, String)>],
) -> ServiceResult<Vec<Entry>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let name = phonebook_name(name)?;
    if entries.is_empty() || entries.len() > MAX_ENTRIES_PER_ADD {
        return Err(ServiceError::invalid("entries", format!("one add takes 1-{MAX_ENTRIES_PER_ADD} entries")));
    }
    let entries = entries.iter().map(|pairs| entry_fields(pairs)).collect::<ServiceResult<Vec<_>>>()?;
    let mut tx = core.db().begin().await?;
    store::ensure(&mut tx, scope.tenant_id, name).await?;
    let book = existing(&mut tx, &scope, name).await?;
    let mut added = Vec::with_capacity(entries.len());
    for fields in entries {
        let id = store::add_entry(&mut tx, book.id, &fields).await?;
        added.push(Entry { id, fields: fields.into_iter().map(|f| (f.name, f.value)).collect() });
    }
    // An object like every other snapshot (the REST door declares snapshots as objects).
    let change = book_change(&scope, "add_entries", &book).after(serde_json::json!({ "entries": added }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(added)
}

/// Deletes one entry; `NotFound(Missing::PhonebookEntry)` when the phonebook has no such entry.
pub async fn delete_entry(core: &Core, principal: &Principal, tenant: &str, name: &str, id: i64) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let book = existing(&mut tx, &scope, name).await?;
    if !store::delete_entry(&mut tx, book.id, id).await? {
        return Err(ServiceError::NotFound(Missing::PhonebookEntry));
    }
    let change = Change::new("phonebook_entry", "delete").id(format!("{}/{id}", book.name)).in_scope(&scope);
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes every entry of a phonebook (the phonebook stays); returns how many there were.
pub async fn clear(core: &Core, principal: &Principal, tenant: &str, name: &str) -> ServiceResult<u64> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let book = existing(&mut tx, &scope, name).await?;
    let removed = store::clear(&mut tx, book.id).await?;
    let change = book_change(&scope, "clear_entries", &book).after_field("removed", removed);
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(removed)
}

/// The field names of some entries, in order of first appearance: the header of tables and CSV.
pub fn field_names(entries: &[Entry]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, _) in entries.iter().flat_map(|e| e.fields.iter()) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_fields() {
        assert!(phonebook_name("Default").is_ok());
        assert!(phonebook_name("Clienti & fornitori").is_ok());
        for bad in ["", "   ", "a/b", "a|b", "a\\b", "a\nb", &"x".repeat(65)] {
            assert!(phonebook_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(field_name("PHONE1").ok().as_deref(), Some("phone1"));
        assert_eq!(field_name("first_name").ok().as_deref(), Some("first_name"));
        for bad in ["", "PEID", "na me", "x;DROP", "ü", &"f".repeat(65)] {
            assert!(field_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn search_patterns_keep_only_percent_as_wildcard() {
        assert_eq!(like_pattern("Ben"), "ben");
        assert_eq!(like_pattern("%Ro%"), "%ro%");
        assert_eq!(like_pattern("a_b\\c"), "a\\_b\\\\c");
        assert_eq!(like_pattern("' OR 1=1 --"), "' or 1=1 --");
    }

    #[test]
    fn entries_need_valid_unique_fields() {
        let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
        let fields = entry_fields(&[pair("NAME", "Ross"), pair("Phone1", "35")]).ok().unwrap_or_default();
        assert_eq!(fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["name", "phone1"]);
        assert_eq!(fields[0].folded, "ross");
        assert!(entry_fields(&[]).is_err());
        assert!(entry_fields(&[pair("name", "a"), pair("NAME", "b")]).is_err());
        assert!(entry_fields(&[pair("name", &"v".repeat(1025))]).is_err());
    }

    #[test]
    fn header_is_the_union_in_first_seen_order() {
        let e =
            |id, names: &[&str]| Entry { id, fields: names.iter().map(|n| (n.to_string(), String::new())).collect() };
        assert_eq!(field_names(&[e(1, &["name", "phone1"]), e(2, &["number", "name"])]), ["name", "phone1", "number"]);
    }
}
