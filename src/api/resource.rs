//! `rest_resource!`: one table of fields (REST name, type, legacy column) generates a resource's
//! typed read and write structs, their mapping to rows and service input, and the five CRUD
//! operations with cursor pagination and filters. Objects with special actions add their own
//! operations next to it.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::store::objects::Row;

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

impl FromColumn for bool {
    fn from_column(row: &Row, column: &str) -> Self {
        row.flag(column)
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

/// Generates a REST resource over a declared object. See `api::extensions` for a use.
///
/// `scope: tenant` resources live under `/v1/tenants/{code}/...`; `scope: global` ones are admin
/// resources at the top level. Filters become optional exact-match query parameters.
macro_rules! rest_resource {
    (
        api: $Api:ident,
        rules: $rules:expr,
        tag: $tag:expr,
        scope: $scope:ident,
        path: $path:literal,
        item_path: $item_path:literal,
        operations: [$op_list:literal, $op_create:literal, $op_get:literal, $op_update:literal, $op_delete:literal],
        filters: { $( $(#[doc = $filter_doc:literal])* $filter:ident = $filter_col:literal ),* $(,)? },
        $(#[doc = $read_doc:literal])*
        read $Read:ident { $( $(#[$read_meta:meta])* $read_field:ident : $read_ty:ty = $read_col:literal ),* $(,)? }
        $(#[doc = $write_doc:literal])*
        write $Write:ident { $( $(#[$write_meta:meta])* $write_field:ident : $write_ty:ty = $write_col:literal ),* $(,)? }
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

        impl From<&$crate::store::objects::Row> for $Read {
            fn from(row: &$crate::store::objects::Row) -> Self {
                use $crate::api::resource::FromColumn as _;
                $Read { id: row.id, $( $read_field: <$read_ty>::from_column(row, $read_col), )* }
            }
        }

        $(#[doc = $write_doc])*
        #[derive(Debug, poem_openapi::Object)]
        pub struct $Write {
            $( $(#[$write_meta])* pub $write_field: $write_ty, )*
        }

        impl $Write {
            /// Service input under legacy names; absent fields are left out (PATCH semantics).
            pub fn into_input(self) -> $crate::service::objects::Input {
                use $crate::api::resource::IntoInput as _;
                let mut input = $crate::service::objects::Input::new();
                $( if let Some(value) = self.$write_field.into_input() { input.insert($write_col.to_string(), value); } )*
                input
            }

            /// REST name of a legacy field, for error answers.
            fn rest_field(legacy: &str) -> &str {
                const NAMES: &[(&str, &str)] = &[ $( (stringify!($write_field), $write_col), )* $( (stringify!($read_field), $read_col), )* ];
                $crate::api::rest_name(NAMES, legacy)
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

        /// The resource's operations.
        #[derive(Debug)]
        pub struct $Api {
            /// Service core.
            pub core: $crate::service::Core,
        }

        $crate::api::resource::rest_resource!(@ops $scope, $Api, $rules, $tag, $path, $item_path,
            [$op_list, $op_create, $op_get, $op_update, $op_delete], $Read, $Write, $Page,
            { $( $(#[doc = $filter_doc])* $filter = $filter_col ),* });
    };

    (@ops tenant, $Api:ident, $rules:expr, $tag:expr, $path:literal, $item_path:literal,
        [$op_list:literal, $op_create:literal, $op_get:literal, $op_update:literal, $op_delete:literal],
        $Read:ident, $Write:ident, $Page:ident, { $( $(#[doc = $filter_doc:literal])* $filter:ident = $filter_col:literal ),* }) => {
        #[poem_openapi::OpenApi(tag = $tag)]
        impl $Api {
            /// List, in id order, with optional exact-match filters.
            #[oai(path = $path, method = "get", operation_id = $op_list)]
            async fn list(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                $( $(#[doc = $filter_doc])* $filter: poem_openapi::param::Query<Option<String>>, )*
                /// Page size, 1-500 (default 50).
                limit: poem_openapi::param::Query<Option<u32>>,
                /// Cursor from the previous page.
                cursor: poem_openapi::param::Query<Option<String>>,
            ) -> $crate::api::problem::ApiResult<poem_openapi::payload::Json<$Page>> {
                let principal = auth.principal(&self.core).await?;
                let page = $crate::api::pagination::page_request(limit.0, cursor.0.as_deref())?;
                let mut conditions = Vec::new();
                $( if let Some(value) = $filter.0 { conditions.push($crate::api::resource::equals($filter_col, value)); } )*
                let rows = $crate::service::objects::list(&self.core, &principal, &$rules, Some(&code), conditions, page)
                    .await
                    .map_err(|e| $crate::api::problem::from_service(e, $Write::rest_field))?;
                Ok(poem_openapi::payload::Json($Page {
                    items: rows.items.iter().map($Read::from).collect(),
                    next_cursor: $crate::api::pagination::next_cursor(rows.next_after),
                }))
            }

            /// Create. Fields the object requires are checked by the service (422 `validation_failed`).
            #[oai(path = $path, method = "post", operation_id = $op_create)]
            async fn create(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                body: poem_openapi::payload::Json<$Write>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Created<$Read>> {
                let principal = auth.principal(&self.core).await?;
                let input = body.0.into_input();
                let row = $crate::service::objects::create(&self.core, &principal, &$rules, Some(&code), &input)
                    .await
                    .map_err(|e| $crate::api::problem::from_service(e, $Write::rest_field))?;
                let location = format!("{}/{}", $path.replace(":code", &code), row.id);
                Ok($crate::api::Created::Created(poem_openapi::payload::Json($Read::from(&row)), location))
            }

            /// Get one.
            #[oai(path = $item_path, method = "get", operation_id = $op_get)]
            async fn get(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                /// Id.
                id: poem_openapi::param::Path<i64>,
            ) -> $crate::api::problem::ApiResult<poem_openapi::payload::Json<$Read>> {
                let principal = auth.principal(&self.core).await?;
                let row = $crate::service::objects::get(&self.core, &principal, &$rules, Some(&code), id.0)
                    .await
                    .map_err(|e| $crate::api::problem::from_service(e, $Write::rest_field))?;
                Ok(poem_openapi::payload::Json($Read::from(&row)))
            }

            /// Change; only the members sent change.
            #[oai(path = $item_path, method = "patch", operation_id = $op_update)]
            async fn update(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                /// Id.
                id: poem_openapi::param::Path<i64>,
                body: poem_openapi::payload::Json<$Write>,
            ) -> $crate::api::problem::ApiResult<poem_openapi::payload::Json<$Read>> {
                let principal = auth.principal(&self.core).await?;
                let input = body.0.into_input();
                let row = $crate::service::objects::update(&self.core, &principal, &$rules, Some(&code), id.0, &input)
                    .await
                    .map_err(|e| $crate::api::problem::from_service(e, $Write::rest_field))?;
                Ok(poem_openapi::payload::Json($Read::from(&row)))
            }

            /// Delete.
            #[oai(path = $item_path, method = "delete", operation_id = $op_delete)]
            async fn delete(
                &self,
                auth: $crate::api::security::Auth,
                /// Tenant code.
                code: poem_openapi::param::Path<String>,
                /// Id.
                id: poem_openapi::param::Path<i64>,
            ) -> $crate::api::problem::ApiResult<$crate::api::Deleted> {
                let principal = auth.principal(&self.core).await?;
                $crate::service::objects::delete(&self.core, &principal, &$rules, Some(&code), id.0)
                    .await
                    .map_err(|e| $crate::api::problem::from_service(e, $Write::rest_field))?;
                Ok($crate::api::Deleted::Deleted)
            }
        }
    };
}

pub(crate) use rest_resource;

/// An exact-match list condition on a declared column.
pub fn equals(column: &'static str, value: String) -> crate::store::objects::Condition {
    crate::store::objects::Condition {
        column,
        op: crate::store::objects::CondOp::Eq,
        value: crate::store::objects::Value::Text(value),
    }
}
