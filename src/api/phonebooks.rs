//! `/v1/tenants/{code}/phonebooks`: named phonebooks, their entries (free field/value pairs with
//! case-insensitive, lower-case field names), search, clear and CSV export. The same service as the
//! legacy PHONEBOOKS / PHONEBOOK reqtypes.

use std::collections::BTreeMap;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::bounded::{Fields, List, Text, TextRule, count_rules, text_rules};
use super::pagination::{Limit, next_cursor, page_request};
use super::problem::{ApiError, ApiResult, from_service};

count_rules! {
    /// Entries of one add.
    EntriesPerAdd = service::MAX_ENTRIES_PER_ADD, min 1;
    /// Fields of one entry.
    FieldsPerEntry = service::MAX_FIELDS, min 1;
}

text_rules! {
    /// A field's name, as the search takes it.
    FieldNameRule = Length { min: 1, max: service::MAX_FIELD_NAME_CHARS }, service::FIELD_NAME_PATTERN;
}

/// A field's value: any text (an address may span lines) of at most 1024 characters.
#[derive(Debug)]
pub struct FieldValueRule;

impl TextRule for FieldValueRule {
    const LENGTH: Length = Length { min: 0, max: service::MAX_VALUE_CHARS };
    const MULTILINE: bool = true;
}
use super::security::Auth;
use super::{ApiTags, Created, Deleted};
use crate::domain::bounds::Length;
use crate::service::Core;
use crate::service::model::{Entry, Phonebook as PhonebookRow};
use crate::service::objects::PageRequest;
use crate::service::phonebooks::{self as service, ENTRY_ID_FIELD, EntrySearch};

/// A phonebook.
#[derive(Debug, Object)]
pub struct Phonebook {
    /// Id.
    pub id: i64,
    /// Name, unique within the tenant (exact, case-sensitive).
    pub name: String,
    /// How many entries it holds.
    pub entries: i64,
}

impl From<PhonebookRow> for Phonebook {
    fn from(p: PhonebookRow) -> Self {
        Phonebook { id: p.id, name: p.name, entries: p.entries }
    }
}

text_rules! {
    /// Phonebook names ([`service::phonebook_name`]): 1-64 characters, not all blank, without
    /// control characters, `/`, `\` or `|`.
    PhonebookNameRule = Length { min: 1, max: service::MAX_NAME_CHARS },
        r"^[^\x00-\x1f\x7f-\x9f/\\|]*[^\s\x00-\x1f\x7f-\x9f/\\|][^\x00-\x1f\x7f-\x9f/\\|]*$";
}

/// A phonebook to create.
#[derive(Debug, Object)]
pub struct PhonebookCreate {
    /// 1-64 characters, no control characters, `/`, `\` or `|`.
    pub name: Text<PhonebookNameRule>,
}

/// A page of phonebooks.
#[derive(Debug, Object)]
pub struct PhonebookPage {
    /// Phonebooks, in creation order.
    pub items: Vec<Phonebook>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A phonebook entry.
#[derive(Debug, Object)]
pub struct PhonebookEntry {
    /// Entry id (the legacy `peid`).
    pub id: i64,
    /// Field name (lower-case) → value.
    pub fields: BTreeMap<String, String>,
}

impl From<Entry> for PhonebookEntry {
    fn from(e: Entry) -> Self {
        PhonebookEntry { id: e.id, fields: e.fields.into_iter().collect() }
    }
}

/// A page of entries.
#[derive(Debug, Object)]
pub struct PhonebookEntryPage {
    /// Entries, by id.
    pub items: Vec<PhonebookEntry>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Entries just added.
#[derive(Debug, Object)]
pub struct PhonebookEntriesAdded {
    /// The new entries, in the order they were sent.
    pub items: Vec<PhonebookEntry>,
}

/// Answer of adding entries.
#[derive(ApiResponse)]
pub enum EntriesAdded {
    /// Added (the phonebook is created if it did not exist).
    #[oai(status = 201)]
    Created(Json<PhonebookEntriesAdded>),
}

/// Answer of the CSV export.
#[derive(ApiResponse)]
pub enum CsvExport {
    /// Header `peid,<field>,...`, one line per entry. Cells that a spreadsheet would run as a formula
    /// (leading `=`, `+`, `-`, `@`, tab, CR) are prefixed with `'`.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>, #[oai(header = "Content-Disposition")] String),
}

/// Phonebook endpoints.
#[derive(Debug)]
pub struct PhonebooksApi {
    /// Service core.
    pub core: Core,
}

/// A path segment with everything but unreserved characters percent-encoded (for `Location`).
fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[OpenApi(tag = "ApiTags::Phonebooks")]
impl PhonebooksApi {
    /// List the tenant's phonebooks.
    #[oai(path = "/v1/tenants/:code/phonebooks", method = "get", operation_id = "list_phonebooks")]
    async fn list(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<PhonebookPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let books = service::list(&self.core, &principal, &code, page).await?;
        Ok(Json(PhonebookPage {
            items: books.items.into_iter().map(Phonebook::from).collect(),
            next_cursor: next_cursor(books.next_after),
        }))
    }

    /// Create an empty phonebook (adding entries to a missing phonebook creates it too).
    #[oai(path = "/v1/tenants/:code/phonebooks", method = "post", operation_id = "create_phonebook")]
    async fn create(
        &self,
        auth: Auth,
        code: Path<String>,
        body: Json<PhonebookCreate>,
    ) -> ApiResult<Created<Phonebook>> {
        let principal = auth.principal(&self.core).await?;
        // The service names the phonebook by its legacy parameter; the REST member is `name`.
        let book = service::create(&self.core, &principal, &code, &body.0.name.0)
            .await
            .map_err(|err| from_service(err, |field| if field == "phonebook" { "name" } else { field }))?;
        let location = format!("/v1/tenants/{}/phonebooks/{}", path_segment(&code), path_segment(&book.name));
        Ok(Created::Created(Json(Phonebook::from(book)), location))
    }

    /// Get one phonebook.
    #[oai(path = "/v1/tenants/:code/phonebooks/:name", method = "get", operation_id = "get_phonebook")]
    async fn get(&self, auth: Auth, code: Path<String>, name: Path<String>) -> ApiResult<Json<Phonebook>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(Phonebook::from(service::get(&self.core, &principal, &code, &name).await?)))
    }

    /// Delete a phonebook with all its entries.
    #[oai(path = "/v1/tenants/:code/phonebooks/:name", method = "delete", operation_id = "delete_phonebook")]
    async fn delete(&self, auth: Auth, code: Path<String>, name: Path<String>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        service::delete(&self.core, &principal, &code, &name).await?;
        Ok(Deleted::Deleted)
    }

    /// List or search a phonebook's entries. With `field` and `value`, only entries whose field
    /// matches: letter case is ignored, `%` in `value` matches any run of characters, every other
    /// character (`_` included) matches itself, and without `%` the whole value must match.
    #[oai(path = "/v1/tenants/:code/phonebooks/:name/entries", method = "get", operation_id = "list_phonebook_entries")]
    #[allow(clippy::too_many_arguments)] // one parameter per query parameter
    async fn entries(
        &self,
        auth: Auth,
        code: Path<String>,
        name: Path<String>,
        /// Field to search (any letter case); needs `value`.
        field: Query<Option<Text<FieldNameRule>>>,
        /// Value to match; `%` is the wildcard. Needs `field`.
        value: Query<Option<String>>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<PhonebookEntryPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let search = match (field.0.as_ref().map(|name| name.0.as_str()), value.0.as_deref()) {
            (Some(field), Some(value)) => Some(EntrySearch { field, value }),
            (None, None) => None,
            (Some(_), None) => return Err(ApiError::invalid("value", "value: required with field")),
            (None, Some(_)) => return Err(ApiError::invalid("field", "field: required with value")),
        };
        let entries = service::entries(&self.core, &principal, &code, &name, search, page).await?;
        Ok(Json(PhonebookEntryPage {
            items: entries.items.into_iter().map(PhonebookEntry::from).collect(),
            next_cursor: next_cursor(entries.next_after),
        }))
    }

    /// Add entries: an array of objects mapping field names (1-64 letters, digits, `_`, `-`; any
    /// letter case, stored lower-case) to values (at most 1024 characters). All or nothing.
    #[oai(path = "/v1/tenants/:code/phonebooks/:name/entries", method = "post", operation_id = "add_phonebook_entries")]
    async fn add(
        &self,
        auth: Auth,
        code: Path<String>,
        name: Path<String>,
        body: Json<List<Fields<FieldsPerEntry, FieldValueRule>, EntriesPerAdd>>,
    ) -> ApiResult<EntriesAdded> {
        let principal = auth.principal(&self.core).await?;
        let entries: Vec<Vec<(String, String)>> = body.0.into_iter().map(|e| e.0.into_iter().collect()).collect();
        let added = service::add(&self.core, &principal, &code, &name, &entries).await?;
        let items = added.into_iter().map(PhonebookEntry::from).collect();
        Ok(EntriesAdded::Created(Json(PhonebookEntriesAdded { items })))
    }

    /// Delete every entry of a phonebook (the phonebook stays).
    #[oai(path = "/v1/tenants/:code/phonebooks/:name/entries", method = "delete", operation_id = "clear_phonebook")]
    async fn clear(&self, auth: Auth, code: Path<String>, name: Path<String>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        service::clear(&self.core, &principal, &code, &name).await?;
        Ok(Deleted::Deleted)
    }

    /// Delete one entry.
    #[oai(
        path = "/v1/tenants/:code/phonebooks/:name/entries/:id",
        method = "delete",
        operation_id = "delete_phonebook_entry"
    )]
    async fn delete_entry(
        &self,
        auth: Auth,
        code: Path<String>,
        name: Path<String>,
        id: Path<i64>,
    ) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        service::delete_entry(&self.core, &principal, &code, &name, id.0).await?;
        Ok(Deleted::Deleted)
    }

    /// Export a phonebook as CSV.
    #[oai(path = "/v1/tenants/:code/phonebooks/:name/export", method = "get", operation_id = "export_phonebook")]
    async fn export(&self, auth: Auth, code: Path<String>, name: Path<String>) -> ApiResult<CsvExport> {
        let principal = auth.principal(&self.core).await?;
        let entries = service::entries(&self.core, &principal, &code, &name, None, PageRequest::ALL).await?.items;
        let names = service::field_names(&entries);
        let mut header = vec![ENTRY_ID_FIELD.to_string()];
        header.extend(names.iter().cloned());
        let mut body = pbx_compat::render::csv::row(&header);
        for entry in &entries {
            let mut row = vec![entry.id.to_string()];
            row.extend(names.iter().map(|n| entry.value(n).unwrap_or_default().to_string()));
            body.push_str(&pbx_compat::render::csv::row(&row));
        }
        let file: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
        Ok(CsvExport::Csv(PlainText(body), format!("attachment; filename=\"{file}.csv\"")))
    }
}
