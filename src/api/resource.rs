//! `rest_resource!`: one table of fields (REST name, type, legacy column) generates a resource's
//! typed read and write structs, their mapping to rows and service input, and its CRUD operations
//! with cursor pagination and filters. The operations' bodies are the generic functions of this
//! file (`list_rows`, `create_row`, `get_row`, `update_row`, `delete_row`); the macro only writes
//! their signatures. Objects with special actions add their own operations next to it.

use chrono::{DateTime, Utc};
use poem_openapi::payload::Json as JsonBody;
use poem_openapi::types::ToJSON;
use serde_json::Value as Json;

use super::problem::{ApiResult, from_service};
use super::security::Auth;
use super::{Created, Deleted, Fetched, Saved, pagination};
use crate::domain::object::{Check, FieldDef, FieldKind};
use crate::service::Core;
use crate::service::model::{Row, Value};
use crate::service::objects::Filter;
use crate::service::objects::{self, Input, ObjectRules};

/// Reads a typed REST value from a row column.
pub trait FromColumn: Sized {
    /// The value of `column` in `row`.
    fn from_column(row: &Row, column: &str) -> Self;
}

impl FromColumn for String {
    fn from_column(row: &Row, column: &str) -> Self {
        row.text(column).to_string()
    }
}

/// On/off columns (`1`) and yes/no text columns (`yes`, `on`) alike; anything else is false.
impl FromColumn for bool {
    fn from_column(row: &Row, column: &str) -> Self {
        yes_no(row, column).unwrap_or(false)
    }
}

/// Yes/no text columns where empty means "the PBX default": `None`.
impl FromColumn for Option<bool> {
    fn from_column(row: &Row, column: &str) -> Self {
        yes_no(row, column)
    }
}

fn yes_no(row: &Row, column: &str) -> Option<bool> {
    match row.get(column)? {
        Value::Int(v) => Some(*v != 0),
        Value::Null => None,
        Value::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "yes" | "on" | "1" | "true" => Some(true),
            "no" | "off" | "0" | "false" => Some(false),
            _ => None,
        },
    }
}

impl FromColumn for Option<String> {
    fn from_column(row: &Row, column: &str) -> Self {
        row.opt_text(column).map(str::to_string)
    }
}

/// Numeric legacy columns are TEXT; an empty or non-numeric value reads as absent.
impl FromColumn for Option<i64> {
    fn from_column(row: &Row, column: &str) -> Self {
        row.text(column).trim().parse().ok()
    }
}

/// Required id references (validated on every write), stored as TEXT.
impl FromColumn for i64 {
    fn from_column(row: &Row, column: &str) -> Self {
        row.text(column).trim().parse().unwrap_or_default()
    }
}

impl FromColumn for Option<DateTime<Utc>> {
    fn from_column(row: &Row, column: &str) -> Self {
        super::input::time(row.text(column))
    }
}

/// Turns a typed REST write value into a service input member.
pub trait IntoInput {
    /// The JSON member, or `None` when the client did not send the field.
    fn into_input(self) -> Option<Json>;
}

impl<T: Into<Json>> IntoInput for Option<T> {
    fn into_input(self) -> Option<Json> {
        self.map(Into::into)
    }
}

/// A merge-patch member: `null` reaches the service as `null`, which empties the column.
impl<T: Into<Json>> IntoInput for poem_openapi::types::MaybeUndefined<T> {
    fn into_input(self) -> Option<Json> {
        match self {
            poem_openapi::types::MaybeUndefined::Undefined => None,
            poem_openapi::types::MaybeUndefined::Null => Some(Json::Null),
            poem_openapi::types::MaybeUndefined::Value(value) => Some(value.into()),
        }
    }
}

/// What the document needs to know of a generated resource's write schemas: their names, and the
/// object whose declaration says which members are required (and so can be neither left out of a
/// create nor emptied by a patch).
#[derive(Debug, Clone, Copy)]
pub struct WriteSchemas {
    /// The create schema's name.
    pub create: &'static str,
    /// The patch schema's name.
    pub patch: &'static str,
    /// The object's rules.
    pub rules: &'static dyn ObjectRules,
    /// `(REST name, column)` of the write fields.
    pub columns: &'static [(&'static str, &'static str)],
}

impl WriteSchemas {
    /// `(REST name, declared field)` of every member that names a declared column.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &'static FieldDef)> + '_ {
        let def = self.rules.def();
        self.columns.iter().filter_map(move |(rest, column)| {
            def.field(column).map(|(_, field)| (rest.strip_prefix("r#").unwrap_or(rest), field))
        })
    }

    /// REST names of the members the declaration requires.
    pub fn required(&self) -> impl Iterator<Item = &'static str> + '_ {
        let def = self.rules.def();
        self.columns
            .iter()
            .filter(move |(_, column)| def.field(column).is_some_and(|(_, field)| field.required))
            .map(|(rest, _)| rest.strip_prefix("r#").unwrap_or(rest))
    }
}

/// The input member for `column` of `rules`' object: a boolean sent for a yes/no text column
/// becomes the word the declaration allows (`yes`/`no`, or `yes`/empty), so REST clients use real
/// booleans while the stored value stays what the PBX and legacy clients read.
pub fn input_member(rules: &dyn ObjectRules, column: &str, value: Json) -> Json {
    let Json::Bool(on) = value else { return value };
    let Some((_, field)) = rules.def().field(column) else { return value };
    if field.kind == FieldKind::Flag {
        return value;
    }
    let words: &[&str] = match field.check {
        Check::OneOf(words) => words,
        _ => &["yes", "no"],
    };
    let pick = |candidates: &[&str]| {
        candidates.iter().find_map(|c| words.iter().find(|w| w.eq_ignore_ascii_case(c))).copied().unwrap_or("")
    };
    Json::String(if on { pick(&["yes", "on"]) } else { pick(&["no", "off"]) }.to_string())
}

/// Service input from `(column, member)` pairs: members not sent are left out, the others become
/// what the column stores ([`input_member`]).
pub fn input_of<const N: usize>(rules: &dyn ObjectRules, members: [(&str, Option<Json>); N]) -> Input {
    let mut input = Input::new();
    for (column, member) in members {
        if let Some(value) = member {
            input.insert(column.to_string(), input_member(rules, column, value));
        }
    }
    input
}

/// A filter query value, compared with the stored text.
pub trait FilterValue {
    /// The value as stored.
    fn into_text(self) -> String;
}

impl FilterValue for String {
    fn into_text(self) -> String {
        self
    }
}

impl FilterValue for i64 {
    fn into_text(self) -> String {
        self.to_string()
    }
}

/// A generated page type: items plus the cursor of the next page.
pub trait ResourcePage {
    /// The read type of the resource.
    type Item: for<'a> From<&'a Row>;
    /// Builds a page.
    fn assemble(items: Vec<Self::Item>, next_cursor: Option<String>) -> Self;
}

/// Translates a legacy field name to the REST name of a resource's `(rest, legacy)` table. Rust
/// raw identifiers (`r#type`) are REST names without the `r#`.
pub fn rest_name<'a>(names: &[(&'static str, &'static str)], legacy: &'a str) -> &'a str {
    let rest = super::rest_name(names, legacy);
    rest.strip_prefix("r#").unwrap_or(rest)
}

/// Lists rows in id order, filtered by exact match on the given `(column, value)` pairs.
#[allow(clippy::too_many_arguments)]
pub async fn list_rows<P: ResourcePage>(
    core: &Core,
    auth: &Auth,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    filters: Vec<(&'static str, Option<String>)>,
    limit: Option<u32>,
    cursor: Option<String>,
    rest_field: fn(&str) -> &str,
) -> ApiResult<JsonBody<P>> {
    let principal = auth.principal(core).await?;
    let page = pagination::page_request(limit, cursor.as_deref())?;
    let mut conditions = Vec::new();
    for (column, value) in filters {
        if let Some(value) = value {
            conditions.push(Filter::equals(rules, column, &value).map_err(|e| from_service(e, rest_field))?);
        }
    }
    let rows = objects::list(core, &principal, rules, tenant, conditions, page)
        .await
        .map_err(|e| from_service(e, rest_field))?;
    let items = rows.items.iter().map(P::Item::from).collect();
    Ok(JsonBody(P::assemble(items, pagination::next_cursor(rows.next_after))))
}

/// Creates a row; answers 201 with `Location` = `path` (tenant code filled in) + `/` + id.
pub async fn create_row<R: for<'a> From<&'a Row> + ToJSON>(
    core: &Core,
    auth: &Auth,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    input: Input,
    path: &str,
    rest_field: fn(&str) -> &str,
) -> ApiResult<Created<R>> {
    let principal = auth.principal(core).await?;
    let row =
        objects::create(core, &principal, rules, tenant, &input).await.map_err(|e| from_service(e, rest_field))?;
    let location = format!("{}/{}", path.replace(":code", tenant.unwrap_or_default()), row.id);
    Ok(Created::Created(JsonBody(R::from(&row)), location))
}

/// Loads one row; 304 when `If-None-Match` names its current version.
pub async fn get_row<R: for<'a> From<&'a Row> + ToJSON>(
    core: &Core,
    auth: &Auth,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
    if_none_match: Option<&str>,
    rest_field: fn(&str) -> &str,
) -> ApiResult<Fetched<R>> {
    let principal = auth.principal(core).await?;
    let row = objects::get(core, &principal, rules, tenant, id).await.map_err(|e| from_service(e, rest_field))?;
    Ok(fetched(R::from(&row), if_none_match))
}

/// Applies a merge patch, only while `If-Match` (when sent) names the stored version, and answers
/// the new row.
#[allow(clippy::too_many_arguments)]
pub async fn update_row<R: for<'a> From<&'a Row> + ToJSON>(
    core: &Core,
    auth: &Auth,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
    input: Input,
    if_match: Option<&str>,
    rest_field: fn(&str) -> &str,
) -> ApiResult<Saved<R>> {
    let principal = auth.principal(core).await?;
    let holds = matches_if::<R>(if_match);
    let row = objects::update_if(core, &principal, rules, tenant, id, &input, holds.as_deref())
        .await
        .map_err(|e| from_service(e, rest_field))?;
    Ok(saved(R::from(&row)))
}

/// Deletes a row (204), only while `If-Match` (when sent) names the stored version.
pub async fn delete_row<R: for<'a> From<&'a Row> + ToJSON>(
    core: &Core,
    auth: &Auth,
    rules: &dyn ObjectRules,
    tenant: Option<&str>,
    id: i64,
    if_match: Option<&str>,
    rest_field: fn(&str) -> &str,
) -> ApiResult<Deleted> {
    let principal = auth.principal(core).await?;
    let holds = matches_if::<R>(if_match);
    objects::delete_if(core, &principal, rules, tenant, id, holds.as_deref())
        .await
        .map_err(|e| from_service(e, rest_field))?;
    Ok(Deleted::Deleted)
}

/// The strong entity tag of a representation: a digest of its JSON, so any change a client could
/// see (through either door) changes it.
pub fn entity_tag<R: ToJSON>(representation: &R) -> String {
    use sha2::{Digest, Sha256};
    let json = representation.to_json().map(|value| value.to_string()).unwrap_or_default();
    let digest = Sha256::digest(json.as_bytes());
    format!("\"{}\"", hex::encode(&digest[..12]))
}

/// Whether an `If-Match` / `If-None-Match` value (`*` or a list of tags) names `tag`. Weak tags
/// (`W/"..."`) compare by their opaque part, as `If-None-Match` allows; ours are never weak, so a
/// weak tag in `If-Match` names no version of ours beyond that.
pub fn entity_tags_match(names: &str, tag: &str) -> bool {
    names.split(',').map(str::trim).any(|name| name == "*" || name.trim_start_matches("W/") == tag)
}

/// A condition on a stored row, as `objects::Precondition` takes it.
pub type RowCondition<'a> = dyn Fn(&Row) -> bool + Send + Sync + 'a;

/// The precondition of a write under `If-Match` (none without it): the stored row's representation
/// has a tag it names.
pub fn matches_if<'a, R: for<'r> From<&'r Row> + ToJSON>(if_match: Option<&'a str>) -> Option<Box<RowCondition<'a>>> {
    let names = if_match?;
    Some(Box::new(move |row: &Row| entity_tags_match(names, &entity_tag(&R::from(row)))))
}

/// A read's answer: the object with its tag, or 304 when `If-None-Match` names that tag.
pub fn fetched<R: ToJSON>(representation: R, if_none_match: Option<&str>) -> Fetched<R> {
    let tag = entity_tag(&representation);
    match if_none_match {
        Some(names) if entity_tags_match(names, &tag) => Fetched::NotModified(tag),
        _ => Fetched::Fetched(JsonBody(representation), tag),
    }
}

/// A write's answer: the object with its new tag.
pub fn saved<R: ToJSON>(representation: R) -> Saved<R> {
    let tag = entity_tag(&representation);
    Saved::Saved(JsonBody(representation), tag)
}

/// Generates a REST resource over a declared object. See `api::extensions` (tenant scope) and
/// `api::objects::providers` (global scope) for uses.
///
/// - `api: XApi` names the generated operations struct; `api: XApi + YApi` also registers hand-written
///   APIs of the same file (structs with a `core` field). Either way the file gets `pub type Api` and
///   `pub fn api(core: &Core) -> Api`, its registration (`api::objects` collects them), and
///   `pub type Write`, its write type (the declared-columns test checks it).
/// - `tag` is a shared tag (`"crate::api::ApiTags::Queues"`) or the file's own,
///   `{ name: "Sounds", description: "Sound files of a tenant." }`, declared here as the `Tags` enum
///   `Tag` (the spec lists tags by name, so where it is declared changes nothing in the document).
/// - `scope: tenant` resources live under `/v1/tenants/{code}/...`; `scope: global` ones at the top
///   level, with no tenant (the service decides who may: admin, or anyone reading a catalogue).
/// - `operations` names the operation ids; `list` is always generated, each of `create`, `get`,
///   `update`, `delete` only when listed (in that order), so e.g. phones have no DELETE (405).
/// - `filters` become optional exact-match query parameters (`name: String = "column"`).
/// - `read` fields are read from row columns (`FromColumn`). `write Create / Patch { field: T = "column" }`
///   generates two schemas from one table: the create schema (members `Option<T>`; the document marks
///   the ones the declaration requires as `required`) and the JSON Merge Patch schema (members
///   `MaybeUndefined<T>`: absent = unchanged, `null` = emptied). Both become service input under the
///   legacy names.
macro_rules! rest_resource {
    // A tag of the file's own: declare it, then generate the resource under it.
    (
        api: $Api:ident $(+ $Extra:ident)*,
        rules: $rules:expr,
        tag: { name: $tag_name:literal, description: $tag_doc:literal $(,)? },
        $($rest:tt)*
    ) => {
        /// The Swagger tag of this file's operations.
        #[derive(Debug, poem_openapi::Tags)]
        pub enum Tag {
            #[doc = $tag_doc]
            #[oai(rename = $tag_name)]
            Declared,
        }

        $crate::api::resource::rest_resource! { api: $Api $(+ $Extra)*, rules: $rules, tag: "Tag::Declared", $($rest)* }
    };

    (
        api: $Api:ident $(+ $Extra:ident)*,
        rules: $rules:expr,
        tag: $tag:literal,
        scope: $scope:ident,
        path: $path:literal,
        item_path: $item_path:literal,
        operations: { list: $op_list:literal $(, create: $op_create:literal)? $(, get: $op_get:literal)?
            $(, update: $op_update:literal)? $(, delete: $op_delete:literal)? $(,)? },
        filters: { $( $(#[doc = $filter_doc:literal])* $filter:ident : $filter_ty:ty = $filter_col:literal ),* $(,)? },
        $(#[doc = $read_doc:literal])*
        read $Read:ident { $( $(#[$read_meta:meta])* $read_field:ident : $read_ty:ty = $read_col:literal ),* $(,)? }
        $(#[doc = $write_doc:literal])*
        write $Write:ident / $Patch:ident { $( $(#[$write_meta:meta])* $write_field:ident : $write_ty:ty = $write_col:literal ),* $(,)? }
        $(#[doc = $page_doc:literal])*
        page $Page:ident
    ) => {
        $(#[doc = $read_doc])*
        #[derive(Debug, poem_openapi::Object)]
        pub struct $Read {
            /// Internal id (legacy destination tags and MANAGEDB `objectid` use it).
            pub id: i64,
            $( $(#[$read_meta])* pub $read_field: $read_ty, )*
        }

        impl From<&$crate::service::model::Row> for $Read {
            fn from(row: &$crate::service::model::Row) -> Self {
                use $crate::api::resource::FromColumn as _;
                $Read { id: row.id, $( $read_field: <$read_ty>::from_column(row, $read_col), )* }
            }
        }

        $(#[doc = $write_doc])*
        ///
        /// The members the object requires are `required` here (the document takes them from the
        /// object's declaration); the others may be left out or `null`.
        #[derive(Debug, poem_openapi::Object)]
        pub struct $Write {
            $( $(#[$write_meta])* pub $write_field: Option<$write_ty>, )*
        }

        /// A JSON Merge Patch (RFC 7396) of the object: the members sent change, `null` empties a
        /// member that may be empty, the members left out keep their value.
        #[derive(Debug, poem_openapi::Object)]
        pub struct $Patch {
            $( $(#[$write_meta])* pub $write_field: poem_openapi::types::MaybeUndefined<$write_ty>, )*
        }

        impl $Patch {
            /// Service input under legacy names: absent members are left out, `null` ones empty.
            pub fn into_input(self) -> $crate::service::objects::Input {
                use $crate::api::resource::IntoInput as _;
                $crate::api::resource::input_of(&$rules, [$( ($write_col, self.$write_field.into_input()) ),*])
            }
        }

        impl $Write {
            /// Service input under legacy names; absent members are left out.
            pub fn into_input(self) -> $crate::service::objects::Input {
                use $crate::api::resource::IntoInput as _;
                $crate::api::resource::input_of(&$rules, [$( ($write_col, self.$write_field.into_input()) ),*])
            }

            /// The names of the create and patch schemas and what decides their `required` members.
            pub fn schemas() -> $crate::api::resource::WriteSchemas {
                $crate::api::resource::WriteSchemas {
                    create: stringify!($Write),
                    patch: stringify!($Patch),
                    rules: &$rules,
                    columns: Self::WRITE_COLUMNS,
                }
            }

            /// `(REST name, legacy column or input name)` of every write field, then every read field.
            pub const COLUMNS: &[(&str, &str)] = &[ $( (stringify!($write_field), $write_col), )* $( (stringify!($read_field), $read_col), )* ];

            /// `(REST name, legacy column or input name)` of every write field.
            pub const WRITE_COLUMNS: &[(&str, &str)] = &[ $( (stringify!($write_field), $write_col), )* ];

            /// `(query parameter, legacy column)` of every list filter.
            pub const FILTER_COLUMNS: &[(&str, &str)] = &[ $( (stringify!($filter), $filter_col), )* ];

            /// Every column or input name the resource maps: fields, then filters.
            pub fn named_columns() -> Vec<(&'static str, &'static str)> {
                Self::COLUMNS.iter().chain(Self::FILTER_COLUMNS).copied().collect()
            }

            /// The object's rules (and through them its declaration), for the declaration test.
            pub fn rules() -> &'static dyn $crate::service::objects::ObjectRules {
                &$rules
            }

            /// REST name of a legacy field, for error answers.
            fn rest_field(legacy: &str) -> &str {
                $crate::api::resource::rest_name(Self::COLUMNS, legacy)
            }
        }

        $(#[doc = $page_doc])*
        #[derive(Debug, poem_openapi::Object)]
        pub struct $Page {
            /// The items, by id.
            pub items: Vec<$Read>,
            /// Pass as `cursor` for the next page; absent on the last page.
            pub next_cursor: Option<String>,
        }

        impl $crate::api::resource::ResourcePage for $Page {
            type Item = $Read;
            fn assemble(items: Vec<$Read>, next_cursor: Option<String>) -> Self {
                $Page { items, next_cursor }
            }
        }

        /// The resource's operations.
        #[derive(Debug)]
        pub struct $Api {
            /// Service core.
            pub core: $crate::service::Core,
        }

        /// This file's registration in the REST service: its operations, then its hand-written APIs.
        pub type Api = $crate::api::resource::rest_resource!(@api_type $Api $(, $Extra)*);

        /// Builds this file's registration over `core`.
        pub fn api(core: &$crate::service::Core) -> Api {
            $crate::api::resource::rest_resource!(@api_value core, $Api $(, $Extra)*)
        }

        /// The write type, whose `rules()` and `named_columns()` the declared-columns test checks.
        pub type Write = $Write;

        $crate::api::resource::rest_resource!(@ops $scope, $Api, $rules, $tag, $path, $item_path, $Read, $Write, $Patch, $Page,
            { list: $op_list $(, create: $op_create)? $(, get: $op_get)? $(, update: $op_update)? $(, delete: $op_delete)? },
            { $( $(#[doc = $filter_doc])* $filter : $filter_ty = $filter_col ),* });
    };

    (@api_type $Api:ident) => { $Api };
    (@api_type $($Api:ident),+) => { ($($Api),+) };
    (@api_value $core:ident, $Api:ident) => { $Api { core: $core.clone() } };
    (@api_value $core:ident, $($Api:ident),+) => { ($($Api { core: $core.clone() }),+) };

    // Tenant resources: every operation takes the tenant code from the path.
    (@ops tenant, $Api:ident, $rules:expr, $tag:expr, $path:literal, $item_path:literal, $Read:ident, $Write:ident, $Patch:ident, $Page:ident,
        { list: $op_list:literal $(, create: $op_create:literal)? $(, get: $op_get:literal)?
            $(, update: $op_update:literal)? $(, delete: $op_delete:literal)? },
        { $( $(#[doc = $filter_doc:literal])* $filter:ident : $filter_ty:ty = $filter_col:literal ),* }) => {
        #[poem_openapi::OpenApi(tag = $tag)]
        impl $Api {
            /// List, in id order, with optional exact-match filters.
            #[oai(path = $path, method = "get", operation_id = $op_list)]
            #[allow(clippy::too_many_arguments)] // one query parameter per filter
            async fn list(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                $( $(#[doc = $filter_doc])* $filter: poem_openapi::param::Query<Option<$filter_ty>>, )*
                /// Page size, 1-500 (default 50).
                limit: poem_openapi::param::Query<Option<$crate::api::pagination::Limit>>,
                /// Cursor from the previous page.
                cursor: poem_openapi::param::Query<Option<String>>,
            ) -> $crate::api::problem::ApiResult<poem_openapi::payload::Json<$Page>> {
                let filters = vec![$( ($filter_col, $filter.0.map($crate::api::resource::FilterValue::into_text)) ),*];
                $crate::api::resource::list_rows(&self.core, &auth, &$rules, Some(&code), filters, limit.0.map($crate::api::pagination::Limit::get), cursor.0, $Write::rest_field).await
            }

            $(
            /// Create. Fields the object requires are checked by the service (422 `validation_failed`).
            #[oai(path = $path, method = "post", operation_id = $op_create)]
            async fn create(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                body: poem_openapi::payload::Json<$Write>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Created<$Read>> {
                $crate::api::resource::create_row(&self.core, &auth, &$rules, Some(&code), body.0.into_input(), $path, $Write::rest_field).await
            }
            )?

            $(
            /// Get one, with its `ETag`; 304 when `If-None-Match` names the current version.
            #[oai(path = $item_path, method = "get", operation_id = $op_get)]
            async fn get(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                /// Id.
                id: poem_openapi::param::Path<i64>,
                /// Answer 304 (no body) when the object's `ETag` is one of these.
                #[oai(name = "If-None-Match")]
                if_none_match: poem_openapi::param::Header<Option<String>>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Fetched<$Read>> {
                $crate::api::resource::get_row(&self.core, &auth, &$rules, Some(&code), id.0, if_none_match.0.as_deref(), $Write::rest_field).await
            }
            )?

            $(
            /// Change: a JSON Merge Patch; the members sent change, `null` empties one.
            #[oai(path = $item_path, method = "patch", operation_id = $op_update)]
            async fn update(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                /// Id.
                id: poem_openapi::param::Path<i64>,
                /// Change only the version with this `ETag` (412 `precondition_failed` otherwise).
                #[oai(name = "If-Match")]
                if_match: poem_openapi::param::Header<Option<String>>,
                body: poem_openapi::payload::Json<$Patch>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Saved<$Read>> {
                $crate::api::resource::update_row(&self.core, &auth, &$rules, Some(&code), id.0, body.0.into_input(), if_match.0.as_deref(), $Write::rest_field).await
            }
            )?

            $(
            /// Delete.
            #[oai(path = $item_path, method = "delete", operation_id = $op_delete)]
            async fn delete(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                /// Id.
                id: poem_openapi::param::Path<i64>,
                /// Delete only the version with this `ETag` (412 `precondition_failed` otherwise).
                #[oai(name = "If-Match")]
                if_match: poem_openapi::param::Header<Option<String>>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Deleted> {
                $crate::api::resource::delete_row::<$Read>(&self.core, &auth, &$rules, Some(&code), id.0, if_match.0.as_deref(), $Write::rest_field).await
            }
            )?
        }
    };

    // Global resources: no tenant; the service requires an admin (or only reading, for catalogues).
    (@ops global, $Api:ident, $rules:expr, $tag:expr, $path:literal, $item_path:literal, $Read:ident, $Write:ident, $Patch:ident, $Page:ident,
        { list: $op_list:literal $(, create: $op_create:literal)? $(, get: $op_get:literal)?
            $(, update: $op_update:literal)? $(, delete: $op_delete:literal)? },
        { $( $(#[doc = $filter_doc:literal])* $filter:ident : $filter_ty:ty = $filter_col:literal ),* }) => {
        #[poem_openapi::OpenApi(tag = $tag)]
        impl $Api {
            /// List, in id order, with optional exact-match filters.
            #[oai(path = $path, method = "get", operation_id = $op_list)]
            #[allow(clippy::too_many_arguments)] // one query parameter per filter
            async fn list(
                &self,
                auth: $crate::api::security::Auth,
                $( $(#[doc = $filter_doc])* $filter: poem_openapi::param::Query<Option<$filter_ty>>, )*
                /// Page size, 1-500 (default 50).
                limit: poem_openapi::param::Query<Option<$crate::api::pagination::Limit>>,
                /// Cursor from the previous page.
                cursor: poem_openapi::param::Query<Option<String>>,
            ) -> $crate::api::problem::ApiResult<poem_openapi::payload::Json<$Page>> {
                let filters = vec![$( ($filter_col, $filter.0.map($crate::api::resource::FilterValue::into_text)) ),*];
                $crate::api::resource::list_rows(&self.core, &auth, &$rules, None, filters, limit.0.map($crate::api::pagination::Limit::get), cursor.0, $Write::rest_field).await
            }

            $(
            /// Create. Fields the object requires are checked by the service (422 `validation_failed`).
            #[oai(path = $path, method = "post", operation_id = $op_create)]
            async fn create(
                &self,
                auth: $crate::api::security::Auth,
                body: poem_openapi::payload::Json<$Write>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Created<$Read>> {
                $crate::api::resource::create_row(&self.core, &auth, &$rules, None, body.0.into_input(), $path, $Write::rest_field).await
            }
            )?

            $(
            /// Get one, with its `ETag`; 304 when `If-None-Match` names the current version.
            #[oai(path = $item_path, method = "get", operation_id = $op_get)]
            async fn get(
                &self,
                auth: $crate::api::security::Auth,
                /// Id.
                id: poem_openapi::param::Path<i64>,
                /// Answer 304 (no body) when the object's `ETag` is one of these.
                #[oai(name = "If-None-Match")]
                if_none_match: poem_openapi::param::Header<Option<String>>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Fetched<$Read>> {
                $crate::api::resource::get_row(&self.core, &auth, &$rules, None, id.0, if_none_match.0.as_deref(), $Write::rest_field).await
            }
            )?

            $(
            /// Change: a JSON Merge Patch; the members sent change, `null` empties one.
            #[oai(path = $item_path, method = "patch", operation_id = $op_update)]
            async fn update(
                &self,
                auth: $crate::api::security::Auth,
                /// Id.
                id: poem_openapi::param::Path<i64>,
                /// Change only the version with this `ETag` (412 `precondition_failed` otherwise).
                #[oai(name = "If-Match")]
                if_match: poem_openapi::param::Header<Option<String>>,
                body: poem_openapi::payload::Json<$Patch>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Saved<$Read>> {
                $crate::api::resource::update_row(&self.core, &auth, &$rules, None, id.0, body.0.into_input(), if_match.0.as_deref(), $Write::rest_field).await
            }
            )?

            $(
            /// Delete.
            #[oai(path = $item_path, method = "delete", operation_id = $op_delete)]
            async fn delete(
                &self,
                auth: $crate::api::security::Auth,
                /// Id.
                id: poem_openapi::param::Path<i64>,
                /// Delete only the version with this `ETag` (412 `precondition_failed` otherwise).
                #[oai(name = "If-Match")]
                if_match: poem_openapi::param::Header<Option<String>>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Deleted> {
                $crate::api::resource::delete_row::<$Read>(&self.core, &auth, &$rules, None, id.0, if_match.0.as_deref(), $Write::rest_field).await
            }
            )?
        }
    };
}

pub(crate) use rest_resource;
